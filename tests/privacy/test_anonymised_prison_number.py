"""An anonymised record takes a prison number that cannot be a real one, so it
never stands in the way of a real learner who has (or later gets) that number."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from learners.models import Learner, prison_number_validator
from privacy.services import learner_anonymise
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def old_pseudonymous_number(pk: int) -> str:
    """What anonymisation used to give a record: valid-format, such as Z0067AA."""
    letters = pk // 10000
    return f"Z{pk % 10000:04d}{chr(65 + (letters // 26) % 26)}{chr(65 + letters % 26)}"


def test_an_anonymised_record_takes_a_number_no_real_learner_can_have(prison):
    first, second = LearnerFactory(prison=prison), LearnerFactory(prison=prison)
    for learner in (first, second):
        learner_anonymise(learner=learner, why="test")
        learner.refresh_from_db()
        with pytest.raises(ValidationError):
            prison_number_validator(learner.prison_number)
    assert first.prison_number != second.prison_number


def test_an_anonymised_record_still_passes_the_models_checks(prison):
    """Services call full_clean() when they save a learner: the number made not to
    be real is the one thing the format check lets through, and only there."""
    gone = LearnerFactory(prison=prison)
    learner_anonymise(learner=gone, why="test")
    gone.refresh_from_db()
    gone.full_clean()
    impostor = LearnerFactory.build(prison=prison, prison_number="X-ZZZZZ")
    with pytest.raises(ValidationError) as refused:
        impostor.full_clean()
    assert "prison_number" in refused.value.message_dict


def test_the_data_migration_renumbers_records_already_anonymised(prison):
    gone = LearnerFactory(prison=prison, anonymised_at=timezone.now())
    Learner.objects.filter(pk=gone.pk).update(prison_number=old_pseudonymous_number(gone.pk))
    real = LearnerFactory(prison=prison, prison_number="Z0067AA")
    migration = importlib.import_module("learners.migrations.0007_anonymised_prison_numbers")
    migration.forwards(apps, None)
    gone.refresh_from_db()
    real.refresh_from_db()
    with pytest.raises(ValidationError):
        prison_number_validator(gone.prison_number)
    assert real.prison_number == "Z0067AA"
    assert gone.anonymised_at is not None
