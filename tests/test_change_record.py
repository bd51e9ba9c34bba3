"""One record of a change (issue 12): a change service writes the timeline entry and
the audit event in one call, named from one vocabulary with plain-word labels."""

import ast
import datetime as dt
from pathlib import Path

import pytest

from audit.actions import Action, action_label
from audit.models import AuditEvent
from learners.models import TimelineEvent, TimelineKind
from learners.services import learner_enrol
from learners.timeline import change_record

ROOT = Path(__file__).resolve().parent.parent
CHANGE_SERVICES = ("learners/services.py", "reviews/services.py", "resettlement/services.py")


@pytest.mark.django_db
def test_one_call_writes_the_timeline_entry_and_the_audit_event(regional_manager, learner):
    event = change_record(
        actor=regional_manager,
        action=Action.LEARNER_UPDATE,
        learner=learner,
        obj=learner,
        summary="Details changed: tutor",
        kind=TimelineKind.DETAILS,
        detail={"fields": ["tutor"]},
    )
    entry = TimelineEvent.objects.get(learner=learner)
    assert (entry.summary, entry.actor, entry.object_id) == (
        "Details changed: tutor",
        regional_manager,
        str(learner.pk),
    )
    assert (event.action, event.learner_ref, event.detail) == (
        "learner.update",
        learner.pk,
        {"fields": ["tutor"]},
    )
    assert action_label(event.action) == "Learner's details changed"


@pytest.mark.django_db
def test_enrolment_reads_in_plain_words(regional_manager, prison):
    learner = learner_enrol(
        actor=regional_manager,
        data={
            "prison_number": "A1234BC",
            "first_name": "Ryan",
            "last_name": "Walker",
            "date_of_birth": dt.date(1991, 3, 14),
            "prison": prison,
            "joined_on": dt.date(2026, 1, 5),
        },
    )
    event = AuditEvent.objects.get(learner_ref=learner.pk)
    assert action_label(event.action) == "Learner enrolled"
    assert TimelineEvent.objects.filter(learner=learner, kind=TimelineKind.ENROLMENT).exists()


def test_change_services_name_every_action_from_the_vocabulary():
    """No string literal as an action: each is Action.<NAME> (or a choice of two)."""
    literals = []
    for name in CHANGE_SERVICES:
        tree = ast.parse((ROOT / name).read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "id", "") not in ("audit_record", "change_record"):
                continue
            literals.extend(
                f"{name}:{node.lineno} {keyword.value.value}"
                for keyword in node.keywords
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant)
            )
    assert literals == []


def test_every_action_has_a_label_of_its_own():
    labels = [action.label for action in Action]
    assert len(set(labels)) == len(labels)
    # Actions that change no record (sign-in, views, exports) have plain words too
    # (issue 17 item 7); a name nobody labelled falls back to itself.
    assert action_label("auth.sign_in") == "Signed in"
    assert action_label("no_such.action") == "no_such.action"
