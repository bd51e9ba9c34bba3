"""Every refusal the role-by-route matrix expects on a page about a learner
(403 or 404 for a signed-in user) leaves exactly one "denied" audit row naming
the user, the route and the learner, however often it is repeated within the
minute (issue 13 item 3). Routes come from tests/routes, so a learner page added
later is covered without a change here."""

import pytest
from django.urls import resolve, reverse

from audit.denials import DENIED_ACTION, learner_route
from audit.models import AuditEvent, Outcome
from tests.clients import StaffClient
from tests.routes import SIGNED_IN, all_routes


@pytest.mark.django_db
def test_every_refusal_on_a_learner_page_is_audited_once(world):
    learner_pks = {world.learner.pk, world.other_learner.pk}
    learner_pks |= {v.pk for v in world.extra.values() if type(v).__name__ == "Learner"}
    checked, missing = 0, []
    clients = {}
    for who in SIGNED_IN:
        clients[who] = StaffClient()
        clients[who].force_login(world.users[who])
    for route in all_routes():
        kwargs = route.kwargs(world)
        if kwargs.get("pk") not in learner_pks:
            continue
        url = reverse(route.name, kwargs=kwargs) + route.query
        if learner_route(resolve(reverse(route.name, kwargs=kwargs))) is None:
            continue  # a pk that is a prison's or a user's, not a learner's
        for who in SIGNED_IN:
            if route.get[who] not in (403, 404):
                continue
            user = world.users[who]
            for _ in range(2):
                assert clients[who].get(url).status_code == route.get[who]
            rows = AuditEvent.objects.filter(
                actor=user,
                action=DENIED_ACTION,
                outcome=Outcome.DENIED,
                learner_ref=kwargs["pk"],
                detail__route=route.name,
                # A route with more than one page per learner (the intake's steps)
                # is told apart by the other ids in its address.
                detail__ids={name: str(value) for name, value in kwargs.items() if name != "pk"},
                detail__status=route.get[who],
            )
            checked += 1
            if rows.count() != 1:
                missing.append(f"{route.name} as {who}: {rows.count()} rows")
    assert checked > 40
    assert missing == [], "\n".join(missing)
