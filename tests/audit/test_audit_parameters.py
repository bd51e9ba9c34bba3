"""Audit details hold ids and parameters, never free text a person typed: a
search is recorded as "used" (the trail outlives erasure and retention)."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from learners.forms import CaseloadFilterForm
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def test_a_caseload_csv_search_is_recorded_as_used(client, regional_manager, prison):
    LearnerFactory(prison=prison, last_name="Zqsearched")
    client.force_login(regional_manager)
    response = client.get(
        reverse("reports:caseload_csv"),
        {"q": "Zqsearched", "prison": prison.pk, "course_status": "referred"},
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="learners.caseload_csv")
    assert event.detail["filters"] == {
        "q": "used",
        "prison": str(prison.pk),
        "course_status": "referred",
    }
    assert "Zqsearched" not in json.dumps(event.detail)


def test_audit_parameters_keep_ids_and_choices_only(regional_manager, prison):
    from audit.services import audit_parameters

    form = CaseloadFilterForm(
        {"q": "Zqtyped", "prison": prison.pk, "release_soon": "on", "sort": "name"},
        user=regional_manager,
    )
    assert audit_parameters(form) == {
        "q": "used",
        "prison": str(prison.pk),
        "release_soon": True,
        "sort": "name",
    }
    assert audit_parameters(CaseloadFilterForm({"prison": "x"}, user=regional_manager)) == {}
