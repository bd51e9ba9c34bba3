import datetime as dt

import pytest
from django.utils import timezone

from resettlement import services
from resettlement.models import ActionOwner, Pathway


@pytest.fixture
def plan(consenting_learner, regional_manager):
    return services.plan_start(actor=regional_manager, learner=consenting_learner)


@pytest.fixture
def prison_action(plan, regional_manager):
    return services.action_add(
        actor=regional_manager,
        pathway=plan.pathways.get(pathway=Pathway.ACCOMMODATION),
        description="Refer to the prison housing officer",
        owner_organisation=ActionOwner.PRISON,
    )


@pytest.fixture
def code4000_action(plan, regional_manager):
    return services.action_add(
        actor=regional_manager,
        pathway=plan.pathways.get(pathway=Pathway.EDUCATION_WORK),
        description="Introduce to an employer",
        owner_organisation=ActionOwner.CODE4000,
    )


@pytest.fixture
def released(learner, regional_manager):
    services.release_record(
        actor=regional_manager,
        learner=learner,
        released_on=timezone.localdate() - dt.timedelta(days=45),
        release_type="licence",
        area="Hull",
        support_agreed="Weekly calls",
    )
    learner.refresh_from_db()
    return learner


@pytest.fixture(autouse=True)
def _database(db):
    """Every resettlement test uses the database."""
