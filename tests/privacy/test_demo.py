import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from privacy.models import DataRequest, ErasureRequest, ErasureStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_erasure_for_the_administrator_to_decide(capsys, client):
    call_command("seed_demo", learners=10)
    erasure = ErasureRequest.objects.get()
    assert erasure.status == ErasureStatus.PENDING
    assert erasure.requested_by.role == Role.DIRECTOR
    client.force_login(User.objects.get(role=Role.ADMINISTRATOR))
    page = client.get(reverse("privacy:erasure_requests")).content.decode()
    assert reverse("privacy:erasure_decide", args=[erasure.pk]) in page


def test_the_demo_register_has_an_overdue_data_request_on_the_directors_home(client):
    call_command("seed_demo", learners=10)
    director = User.objects.filter(role=Role.DIRECTOR).first()
    client.force_login(director)
    page = client.get(reverse("home")).content.decode()
    overdue = DataRequest.objects.filter(due_on__lt=timezone.localdate(), status="open")
    assert overdue.count() == 1
    assert reverse("privacy:data_request", args=[overdue.get().pk]) in page
    for entry in DataRequest.objects.all():
        assert entry.received_on >= entry.learner.joined_on
