"""The admin site holds no learner data, and changes made there (or anywhere) to
users, roles and prisons reach the audit trail (issue 13 item 3)."""

import re
from collections import deque
from urllib.parse import urldefrag, urljoin

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Prison, Role
from audit.models import AuditEvent
from learners.models import Learner
from notifications.models import DeliveryFailure, Notification
from tests.clients import StaffClient
from tests.markers import plant_markers
from tests.routes import Who

pytestmark = pytest.mark.django_db

HREF = re.compile(r"""href\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)


def _refers_to_learner(model) -> bool:
    return model is Learner or any(
        getattr(f, "related_model", None) is Learner
        for f in model._meta.get_fields()
        if f.concrete or f.many_to_many
    )


def test_no_model_that_holds_learner_data_is_registered():
    registered = {
        model
        for model, model_admin in admin.site._registry.items()
        for model in [model, *(inline.model for inline in model_admin.inlines)]
    }
    assert [m._meta.label for m in registered if _refers_to_learner(m)] == []


def _admin_crawl(client, limit=400) -> dict[str, str]:
    start = reverse("admin:index")
    queue, seen, pages = deque([start]), {start}, {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages[url] = response.content.decode()
        for href in HREF.findall(pages[url]):
            target, _ = urldefrag(urljoin(url, href.replace("&amp;", "&")))
            if target.startswith("/admin/") and "logout" not in target and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


def test_the_admin_site_shows_no_learner_anywhere(world):
    notification = Notification.objects.create(
        recipient=world.users[Who.TUTOR],
        kind="review_due",
        learner=world.learner,
        object_type="learners.learner",
        object_id=str(world.learner.pk),
        due_on=world.learner.joined_on,
        summary="Review due",
    )
    DeliveryFailure.objects.create(
        notification=notification, recipient=world.users[Who.TUTOR], attempts=4, error="x"
    )
    markers = plant_markers(world.learner, "Zqadmin", prison_number="Z3333AD")
    # A failed email's error is the mail server's answer, which administrators
    # need to see; it is written by the worker, never typed about a learner.
    transport_error = DeliveryFailure.objects.get().error
    markers.remove(transport_error)
    Notification.objects.filter(pk=notification.pk).update(summary=f"Review due {markers[0]}")
    client = StaffClient()
    client.force_login(world.users[Who.ADMIN])
    pages = _admin_crawl(client)
    assert len(pages) > 15, sorted(pages)
    assert any("/admin/accounts/user/" in url for url in pages)
    leaks = [
        f"{url} shows {marker}"
        for url, html in pages.items()
        for marker in markers
        if marker.lower() in html.lower()
    ]
    assert leaks == [], "\n".join(leaks)


def test_changes_to_a_users_role_and_prisons_in_the_admin_are_audited(
    client, administrator, tutor, prison, other_prison
):
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[tutor.pk])
    response = client.post(
        url,
        {
            "email": tutor.email,
            "full_name": tutor.full_name,
            "role": Role.REGIONAL_MANAGER,
            "prisons": [other_prison.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    role = AuditEvent.objects.get(action="user.update", object_id=str(tutor.pk))
    assert role.actor == administrator
    assert role.detail["role"] == {"from": Role.TUTOR, "to": Role.REGIONAL_MANAGER}
    prisons = {
        key: value
        for event in AuditEvent.objects.filter(
            action="user.prisons", object_id=str(tutor.pk), actor=administrator
        )
        for key, value in event.detail.items()
    }
    assert prisons == {"added": [other_prison.pk], "removed": [prison.pk]}


def test_changes_made_outside_a_request_are_audited_too(tutor, prison, other_prison):
    assert AuditEvent.objects.filter(action="user.create", object_id=str(tutor.pk)).exists()
    before = AuditEvent.objects.order_by("-pk").first().pk
    tutor.is_active = False
    tutor.save()
    prison.staff.remove(tutor)
    tutor.prisons.add(other_prison)
    Prison.objects.get(pk=other_prison.pk).staff.clear()
    other_prison.name = "HMP Risley (closed)"
    other_prison.save()
    events = AuditEvent.objects.filter(pk__gt=before).order_by("pk")
    assert [(e.action, e.actor, e.detail) for e in events] == [
        ("user.update", None, {"fields": ["is_active"], "is_active": {"from": True, "to": False}}),
        ("user.prisons", None, {"removed": [prison.pk]}),
        ("user.prisons", None, {"added": [other_prison.pk]}),
        ("user.prisons", None, {"removed": [other_prison.pk]}),
        ("prison.update", None, {"fields": ["name"]}),
    ]


def test_prisons_and_users_cannot_be_deleted_in_the_admin(client, administrator, prison, tutor):
    client.force_login(administrator)
    assert client.get(reverse("admin:accounts_prison_delete", args=[prison.pk])).status_code == 403
    assert client.get(reverse("admin:accounts_user_delete", args=[tutor.pk])).status_code == 403


def test_only_a_superuser_may_open_the_admin_site(client, make_user):
    """Administrators run the service from its own pages; the admin site is for a
    superuser in an emergency."""
    administrator = make_user(Role.ADMINISTRATOR, full_name="Avery Admin", is_staff=True)
    client.force_login(administrator)
    response = client.get(reverse("admin:index"), follow=True)
    # Turned away to the service's home page, never shown the admin.
    assert response.redirect_chain[-1][0] == "/"
    assert "Learner Journey configuration" not in response.content.decode()
    superuser = make_user(
        Role.ADMINISTRATOR, full_name="Sam Super", is_staff=True, is_superuser=True
    )
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Learner Journey configuration" in response.content.decode()
