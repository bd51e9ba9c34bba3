import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from privacy.models import ErasureRequest, ErasureStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_erasure_for_the_administrator_to_decide(capsys, client):
    call_command("seed_demo", learners=10)
    erasure = ErasureRequest.objects.get()
    assert erasure.status == ErasureStatus.PENDING
    assert erasure.requested_by.role == Role.DIRECTOR
    client.force_login(User.objects.get(role=Role.ADMINISTRATOR))
    page = client.get(reverse("privacy:erasure_requests")).content.decode()
    assert reverse("privacy:erasure_decide", args=[erasure.pk]) in page
