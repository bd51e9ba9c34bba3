"""Pages about one learner keep a fixed number of queries as their records grow."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from resettlement import services
from resettlement.models import ActionOwner, Employer, Mentor, Opportunity, Pathway


def _grow_plan(plan, rm, n):
    for k in range(n):
        pathway = plan.pathways.get(pathway=list(Pathway)[k % 7])
        action = services.action_add(
            actor=rm,
            pathway=pathway,
            description=f"Action {k}",
            owner_organisation=ActionOwner.PRISON,
        )
        services.action_update_add(actor=rm, action=action, text=f"Update {k}")
        services.plan_comment_add(actor=rm, plan=plan, text=f"Comment {k}")


def test_plan_page_queries_do_not_grow(
    client, regional_manager, omu, plan, django_assert_max_num_queries
):
    url = reverse("resettlement:plan", kwargs={"pk": plan.learner_id})
    _grow_plan(plan, regional_manager, 2)
    for user in (regional_manager, omu):
        client.force_login(user)
        with django_assert_max_num_queries(25):  # 25th: the header's unread count
            assert client.get(url).status_code == 200
    _grow_plan(plan, regional_manager, 15)
    for user in (regional_manager, omu):
        client.force_login(user)
        with django_assert_max_num_queries(25):  # 25th: the header's unread count
            assert client.get(url).status_code == 200


def _grow_release(learner, rm, n):
    today = timezone.localdate()
    for k in range(n):
        services.support_contact_add(
            actor=rm,
            learner=learner,
            contacted_on=today,
            method="phone",
            with_whom="Learner",
            summary=f"Call {k}",
        )
        employer = Employer.objects.create(name=f"Employer {learner.pk}-{k}-{n}", sector="IT")
        opportunity = Opportunity.objects.create(
            employer=employer, role="Dev", kind="job", location="Hull"
        )
        services.application_add(
            actor=rm, learner=learner, opportunity=opportunity, introduced_on=today
        )
        services.mentor_match_add(
            actor=rm,
            learner=learner,
            mentor=Mentor.objects.create(name=f"Mentor {k}", skills="Go"),
            started_on=today - dt.timedelta(days=1),
            non_graduate_reason="Agreed before graduation",
        )


def test_release_page_queries_do_not_grow(
    client, regional_manager, released, django_assert_max_num_queries
):
    url = reverse("resettlement:release_overview", kwargs={"pk": released.pk})
    client.force_login(regional_manager)
    _grow_release(released, regional_manager, 1)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    _grow_release(released, regional_manager, 12)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_employer_list_queries_do_not_grow(client, regional_manager, django_assert_max_num_queries):
    url = reverse("resettlement:employer_list")
    client.force_login(regional_manager)
    for n in (1, 15):
        for k in range(n):
            employer = Employer.objects.create(name=f"E{n}-{k}", sector="IT")
            Opportunity.objects.create(employer=employer, role="Dev", kind="job", location="Hull")
        with django_assert_max_num_queries(11):  # 11th: the header's unread count
            assert client.get(url).status_code == 200
