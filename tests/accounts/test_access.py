"""The access gate, role by role."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.access import Capability as C
from accounts.access import access_for
from accounts.models import Role
from learners.models import Learner
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def visible(user):
    return set(Learner.objects.filter(access_for(user).prison_q("prison")))


@pytest.fixture
def two_learners(prison, other_prison):
    return LearnerFactory(prison=prison), LearnerFactory(prison=other_prison)


def test_regional_manager_changes_everything_at_their_prisons_only(regional_manager, two_learners):
    access = access_for(regional_manager)
    here, _there = two_learners
    assert visible(regional_manager) == {here}
    for capability in (
        C.ENROL_LEARNER,
        C.CHANGE_LEARNER,
        C.VIEW_RESTRICTED,
        C.RECORD_PROGRESS,
        C.CHANGE_RESETTLEMENT_PLAN,
    ):
        assert access.can(capability), capability
    assert not access.can(C.VIEW_REPORTS)
    assert not access.can(C.CONFIGURE)
    assert not access.needs_sharing_consent


def test_tutor_records_progress_but_never_sees_restricted_notes(tutor, two_learners):
    access = access_for(tutor)
    assert visible(tutor) == {two_learners[0]}
    assert access.can(C.RECORD_PROGRESS)
    assert access.can(C.VIEW_LEARNER_RECORD)
    assert not access.sees_restricted
    assert not access.can(C.ENROL_LEARNER)
    with pytest.raises(PermissionDenied):
        access.require(C.CHANGE_LEARNER)


def test_omu_sees_identity_and_shared_plan_only_with_consent(omu, two_learners):
    access = access_for(omu)
    assert visible(omu) == {two_learners[0]}
    assert access.needs_sharing_consent
    assert access.can(C.VIEW_LEARNER_IDENTITY)
    assert access.can(C.VIEW_RESETTLEMENT_PLAN)
    assert access.can(C.UPDATE_PRISON_ACTIONS)
    assert not access.can(C.VIEW_LEARNER_RECORD)
    assert not access.sees_restricted
    assert not access.can(C.RECORD_PROGRESS)


def test_director_reads_every_prison_and_changes_nothing(director, two_learners):
    access = access_for(director)
    assert visible(director) == set(two_learners)
    assert access.all_prisons
    assert access.is_read_only
    assert access.can(C.VIEW_RESTRICTED)
    assert access.can(C.MAKE_REPORTS)
    assert access.can(C.VIEW_AUDIT)


def test_administrator_configures_and_reads_as_a_director(administrator, two_learners):
    access = access_for(administrator)
    assert visible(administrator) == set(two_learners)
    assert access.can(C.CONFIGURE)
    assert access.is_read_only
    assert not access.can(C.MAKE_REPORTS)


def test_staff_with_no_prisons_see_no_learners(make_user, two_learners):
    lonely = make_user(Role.REGIONAL_MANAGER, [])
    assert visible(lonely) == set()


def test_anonymous_and_inactive_users_can_do_nothing(make_user, two_learners, prison):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), make_user(Role.DIRECTOR, [prison], is_active=False)):
        access = access_for(user)
        assert access.capabilities == frozenset()
        assert visible(user) == set()


def test_the_gate_is_computed_once_per_user_object(tutor, django_assert_num_queries):
    access_for(tutor)
    with django_assert_num_queries(0):
        access_for(tutor)
