import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.csv import neutralise
from audit.forms import AuditFilterForm
from audit.late_entries import HAPPENED_ON, day_of, is_late
from audit.selectors import (
    audit_events_for_export,
    audit_events_for_user,
    frequent_denials_for_user,
    prison_numbers_for_events,
)
from audit.services import audit_record

PAGE_SIZE = 50
CSV_COLUMNS = [
    "occurred_at",
    "actor",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "learner_ref",
    "ip_address",
    "request_id",
    "detail",
    # The day a late entry happened (recorded more than a day after), as the page
    # shows it beside the date; empty otherwise (audit.late_entries).
    "happened_on",
]


@require_GET
def audit_list(request):
    """The audit trail for directors: filters, pages and a CSV export."""
    form = AuditFilterForm(request.GET or None)
    events = audit_events_for_user(request.user, filters=form.filters())
    # Recorded first, so the count and the page agree.
    audit_record(actor=request.user, action="audit.view", detail=form.as_detail())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "frequent_denials": frequent_denials_for_user(request.user),
            "prison_numbers": prison_numbers_for_events(request.user, page.object_list),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _happened_on(event) -> str:
    detail = event.detail if isinstance(event.detail, dict) else {}
    happened = detail.get(HAPPENED_ON)
    if not is_late(happened, event.occurred_at):
        return ""
    return day_of(happened).isoformat()


class _Echo:
    def write(self, value):
        return value


@require_GET
def audit_export(request):
    """The filtered trail as CSV, with formula-like cells neutralised."""
    form = AuditFilterForm(request.GET or None)
    events = audit_events_for_export(request.user, filters=form.filters())
    audit_record(actor=request.user, action="audit.export", detail=form.as_detail())
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for event in events:
            values = [
                event.occurred_at.isoformat(),
                event.actor_label,
                event.action,
                event.outcome,
                event.object_type,
                event.object_id,
                event.learner_ref,
                event.ip_address,
                event.request_id,
                event.detail,
                _happened_on(event),
            ]
            yield writer.writerow([neutralise(value) for value in values])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
