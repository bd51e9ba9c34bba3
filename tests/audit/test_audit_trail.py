import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_audit_record_stores_who_what_and_which_learner(tutor, learner):
    event = audit_record(
        actor=tutor,
        action="learner.view",
        obj=learner,
        learner_id=learner.pk,
        detail={"tab": "overview"},
    )
    event.refresh_from_db()
    assert event.actor == tutor
    assert event.actor_label == tutor.email
    assert event.object_type == "learners.learner"
    assert event.object_id == str(learner.pk)
    assert event.learner_ref == learner.pk
    assert event.detail == {"tab": "overview"}
    assert event.occurred_at.tzinfo is not None


def test_the_app_cannot_change_or_delete_an_audit_row(tutor):
    event = audit_record(actor=tutor, action="auth.sign_in")
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'rewritten'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_rewrite_history(tutor, statement):
    audit_record(actor=tutor, action="auth.sign_in")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(actor=tutor).get().action == "auth.sign_in"
