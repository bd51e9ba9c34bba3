"""Administrators manage the curriculum in the admin site."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Module, ModuleCompletion, Track

pytestmark = pytest.mark.django_db


def test_administrator_adds_a_track_and_a_module(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:reviews_module_changelist")).status_code == 200
    response = client.post(
        reverse("admin:reviews_track_add"),
        {
            "name": "Python",
            "order": 3,
            "description": "",
            "modules-TOTAL_FORMS": "1",
            "modules-INITIAL_FORMS": "0",
            "modules-0-order": "1",
            "modules-0-title": "Python basics",
            "modules-0-level": "foundation",
            "modules-0-required_for_graduation": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    module = Module.objects.get(track=Track.objects.get(name="Python"))
    assert (module.title, module.required_for_graduation) == ("Python basics", True)


def test_a_module_with_completions_is_retired_not_deleted(
    client, administrator, tutor, active_learner, curriculum
):
    module = curriculum["git"]
    services.completion_record(
        actor=tutor,
        learner=active_learner,
        module=module,
        completed_on=timezone.localdate(),
        assessed_by=tutor,
        evidence="x",
    )
    client.force_login(administrator)
    client.post(reverse("admin:reviews_module_delete", args=[module.pk]), {"post": "yes"})
    assert Module.objects.filter(pk=module.pk).exists()
    assert ModuleCompletion.objects.filter(module=module).count() == 1


def test_tutors_cannot_use_the_admin(client, tutor):
    client.force_login(tutor)
    response = client.get(reverse("admin:reviews_module_changelist"))
    assert response.status_code == 302
