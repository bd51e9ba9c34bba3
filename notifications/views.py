from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from notifications import selectors, services
from notifications.emails import record_path
from notifications.forms import PreferenceForm

PAGE_SIZE = 25


@require_GET
def notification_list(request):
    show = "all" if request.GET.get("show") == "all" else "unread"
    notifications = selectors.notifications_for_user(request.user, unread_only=show == "unread")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"notification": n, "url": record_path(n.kind, n.learner_id)} for n in page.object_list]
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "rows": rows, "show": show},
    )


def _back_to_list(request):
    show = request.POST.get("show")
    url = reverse("notifications:list")
    return redirect(f"{url}?show=all" if show == "all" else url)


@require_POST
def notification_read(request, pk: int):
    notification = selectors.notification_for_user(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return _back_to_list(request)


@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(
        user=request.user, visible=selectors.visible_q(request.user)
    )
    if count:
        plural = "s" if count != 1 else ""
        messages.success(request, f"{count} notification{plural} marked as read.")
    return _back_to_list(request)


@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = services.preference_for(request.user)
    show_weekly = request.user.role == Role.REGIONAL_MANAGER
    if request.method == "POST":
        form = PreferenceForm(request.POST, show_weekly=show_weekly)
        if form.is_valid():
            services.preference_update(
                user=request.user,
                email_mode=form.cleaned_data["email_mode"],
                weekly_digest=form.cleaned_data.get("weekly_digest", preference.weekly_digest),
            )
            messages.success(request, "Your reminder preferences are saved.")
            return redirect("notifications:preferences")
        status = 400
    else:
        form = PreferenceForm(
            initial={
                "email_mode": preference.email_mode,
                "weekly_digest": preference.weekly_digest,
            },
            show_weekly=show_weekly,
        )
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


@require_POST
def test_email(request):
    services.test_email_request(user=request.user)
    messages.success(request, f"A test email is on its way to {request.user.email}.")
    return redirect("notifications:preferences")
