"""The plan and its sharing with the prison's OMU."""

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import TimelineEvent
from resettlement import services
from resettlement.models import ActionUpdate, PlanComment, PlanPathway, PlanShareLog, ShareEvent
from tests.factories import ConsentFactory, LearnerFactory


def _plan_url(learner):
    return reverse("resettlement:plan", kwargs={"pk": learner.pk})


def test_rm_starts_a_plan_with_the_seven_pathways(client, regional_manager, consenting_learner):
    client.force_login(regional_manager)
    response = client.post(reverse("resettlement:plan_start", kwargs={"pk": consenting_learner.pk}))
    assert response.status_code == 302
    pathways = PlanPathway.objects.filter(plan__learner=consenting_learner)
    assert pathways.count() == 7
    assert set(pathways.values_list("status", flat=True)) == {"not_started"}
    # Shared under the standing consent, and logged as such.
    share = PlanShareLog.objects.get(learner=consenting_learner)
    assert share.event == ShareEvent.SHARED
    assert share.consent == consenting_learner.consents.get()
    page = client.get(_plan_url(consenting_learner)).content.decode()
    assert "Children, families and communities" in page
    assert "Finance and ID" in page


def test_plan_start_twice_keeps_one_plan(regional_manager, consenting_learner):
    first = services.plan_start(actor=regional_manager, learner=consenting_learner)
    second = services.plan_start(actor=regional_manager, learner=consenting_learner)
    assert first.pk == second.pk
    assert PlanPathway.objects.filter(plan=first).count() == 7


def test_omu_of_the_prison_sees_the_plan_and_every_view_is_logged(client, omu, plan, prison_action):
    learner = plan.learner
    client.force_login(omu)
    before_audit = AuditEvent.objects.filter(action="resettlement.plan.view").count()
    for _ in range(2):
        response = client.get(_plan_url(learner))
        assert response.status_code == 200
    assert "Refer to the prison housing officer" in response.content.decode()
    views = PlanShareLog.objects.filter(learner=learner, event=ShareEvent.VIEWED)
    assert views.count() == 2
    view = views.first()
    assert view.user == omu
    assert view.consent == learner.consents.get()
    assert view.prison == learner.prison
    assert AuditEvent.objects.filter(action="resettlement.plan.view").count() == before_audit + 2
    # One audit event per request.
    assert (
        AuditEvent.objects.filter(learner_ref=learner.pk)
        .exclude(action__startswith="resettlement.plan.view")
        .filter(actor=omu)
        .count()
        == 0
    )


def test_share_log_is_listed_for_rm_and_director_not_for_omu_or_tutor(
    client, omu, tutor, regional_manager, director, plan
):
    learner = plan.learner
    client.force_login(omu)
    response = client.get(_plan_url(learner))
    assert 'data-testid="share-log"' not in response.content.decode()
    client.force_login(tutor)
    assert 'data-testid="share-log"' not in client.get(_plan_url(learner)).content.decode()
    for user in (regional_manager, director):
        client.force_login(user)
        page = client.get(_plan_url(learner)).content.decode()
        assert 'data-testid="share-log"' in page
        assert "Viewed the plan" in page
        assert omu.full_name in page


def test_omu_of_another_prison_gets_404(client, make_user, other_prison, plan):
    other_omu = make_user("omu", [other_prison])
    client.force_login(other_omu)
    assert client.get(_plan_url(plan.learner)).status_code == 404
    assert not PlanShareLog.objects.filter(event=ShareEvent.VIEWED).exists()


def test_omu_without_consent_gets_404(client, omu, learner, regional_manager):
    services.plan_start(actor=regional_manager, learner=learner)
    client.force_login(omu)
    assert client.get(_plan_url(learner)).status_code == 404


def test_withdrawing_consent_removes_access_at_once(client, omu, plan, prison_action):
    learner = plan.learner
    client.force_login(omu)
    assert client.get(_plan_url(learner)).status_code == 200
    consent = learner.consents.get()
    consent.withdrawn_on = timezone.localdate()
    consent.save()
    assert client.get(_plan_url(learner)).status_code == 404
    url = reverse(
        "resettlement:action_update_add", kwargs={"pk": learner.pk, "action_pk": prison_action.pk}
    )
    response = client.post(url, {"written_on": timezone.localdate().isoformat(), "text": "x"})
    assert response.status_code == 404
    assert not ActionUpdate.objects.exists()
    shared = client.get(reverse("resettlement:shared_list")).content.decode()
    assert learner.prison_number not in shared
    # A new grant restores it, and new views are logged under the new consent.
    new_consent = ConsentFactory(learner=learner, given_on=timezone.localdate())
    assert client.get(_plan_url(learner)).status_code == 200
    assert PlanShareLog.objects.filter(event=ShareEvent.VIEWED).first().consent == new_consent


def test_omu_adds_an_update_to_a_prison_action_and_it_is_logged(client, omu, plan, prison_action):
    client.force_login(omu)
    url = reverse(
        "resettlement:action_update_add",
        kwargs={"pk": plan.learner.pk, "action_pk": prison_action.pk},
    )
    response = client.post(
        url, {"written_on": timezone.localdate().isoformat(), "text": "Housing form sent"}
    )
    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    assert update.author == omu
    assert update.action == prison_action
    assert PlanShareLog.objects.filter(event=ShareEvent.ACTION_UPDATED, user=omu).count() == 1
    assert "Housing form sent" in client.get(_plan_url(plan.learner)).content.decode()


def test_omu_cannot_update_an_action_the_prison_does_not_own(client, omu, plan, code4000_action):
    client.force_login(omu)
    url = reverse(
        "resettlement:action_update_add",
        kwargs={"pk": plan.learner.pk, "action_pk": code4000_action.pk},
    )
    assert client.get(url).status_code == 403
    response = client.post(url, {"written_on": timezone.localdate().isoformat(), "text": "x"})
    assert response.status_code == 403
    assert not ActionUpdate.objects.exists()
    page = client.get(_plan_url(plan.learner)).content.decode()
    assert url not in page


def test_omu_cannot_change_pathways_or_actions(client, omu, plan, prison_action):
    client.force_login(omu)
    learner = plan.learner
    assert (
        client.post(
            reverse("resettlement:pathway_edit", kwargs={"pk": learner.pk, "pathway": "health"}),
            {"status": "done"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse(
                "resettlement:action_edit", kwargs={"pk": learner.pk, "action_pk": prison_action.pk}
            ),
            {"description": "changed", "owner_organisation": "prison", "status": "done"},
        ).status_code
        == 403
    )
    prison_action.refresh_from_db()
    assert prison_action.description == "Refer to the prison housing officer"


def test_omu_comments_and_it_is_logged(client, omu, plan):
    client.force_login(omu)
    url = reverse("resettlement:comment_add", kwargs={"pk": plan.learner.pk})
    response = client.post(url, {"text": "Discussed at the OMU meeting"})
    assert response.status_code == 302
    assert PlanComment.objects.get().author == omu
    assert PlanShareLog.objects.filter(event=ShareEvent.COMMENTED).count() == 1


def test_comment_form_errors(client, omu, plan):
    client.force_login(omu)
    url = reverse("resettlement:comment_add", kwargs={"pk": plan.learner.pk})
    response = client.post(url, {"text": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a comment" in page
    assert "<title>Error: " in page
    assert not PlanComment.objects.exists()


def test_rm_changes_a_pathway_and_adds_an_action(client, regional_manager, plan):
    client.force_login(regional_manager)
    learner = plan.learner
    response = client.post(
        reverse("resettlement:pathway_edit", kwargs={"pk": learner.pk, "pathway": "health"}),
        {"status": "support_needed"},
    )
    assert response.status_code == 302
    assert plan.pathways.get(pathway="health").status == "support_needed"
    response = client.post(
        reverse("resettlement:action_add", kwargs={"pk": learner.pk, "pathway": "finance_id"}),
        {
            "description": "Apply for a birth certificate",
            "owner_organisation": "probation",
            "owner_name": "Pat Probation",
            "due_on": "2030-01-31",
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    action = plan.pathways.get(pathway="finance_id").actions.get()
    assert action.owner_name == "Pat Probation"
    assert TimelineEvent.objects.filter(learner=learner, kind="plan").count() >= 3


def test_action_form_errors(client, regional_manager, plan):
    client.force_login(regional_manager)
    response = client.post(
        reverse("resettlement:action_add", kwargs={"pk": plan.learner.pk, "pathway": "health"}),
        {"description": "", "due_on": "2030-02-31"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter what needs to happen" in page
    assert "Select the organisation that owns the action" in page
    assert "Due date must be a real date, for example 27 3 2026" in page


def test_action_update_date_cannot_be_in_the_future(client, regional_manager, prison_action):
    client.force_login(regional_manager)
    url = reverse(
        "resettlement:action_update_add",
        kwargs={"pk": prison_action.pathway.plan.learner_id, "action_pk": prison_action.pk},
    )
    response = client.post(url, {"written_on": "2999-01-01", "text": "later"})
    assert response.status_code == 200
    assert "must be today or in the past" in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_shared_list_soonest_release_first_own_prison_only(
    client, omu, prison, other_prison, regional_manager, django_assert_max_num_queries
):
    today = timezone.localdate()

    def shared(days, at=prison):
        learner = LearnerFactory(
            prison=at, expected_release_on=today + timezone.timedelta(days=days)
        )
        ConsentFactory(learner=learner)
        services.plan_start(actor=regional_manager, learner=learner)
        return learner

    late, soon = shared(300), shared(20)
    elsewhere = shared(10, at=other_prison)
    LearnerFactory(prison=prison)  # no plan, no consent
    client.force_login(omu)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("resettlement:shared_list")).content.decode()
    assert page.index(soon.prison_number) < page.index(late.prison_number)
    assert elsewhere.prison_number not in page
    for _ in range(10):
        shared(100)
    with django_assert_max_num_queries(12):
        client.get(reverse("resettlement:shared_list"))
    home = client.get(reverse("home")).content.decode()
    assert soon.prison_number in home


def test_consent_given_after_the_plan_started_is_logged_as_a_share(
    client, omu, learner, regional_manager
):
    plan = services.plan_start(actor=regional_manager, learner=learner)
    assert not PlanShareLog.objects.exists()
    consent = ConsentFactory(learner=learner)
    client.force_login(omu)
    assert client.get(_plan_url(learner)).status_code == 200
    events = list(
        PlanShareLog.objects.filter(plan=plan, consent=consent)
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == [ShareEvent.SHARED, ShareEvent.VIEWED]
    client.get(_plan_url(learner))
    assert PlanShareLog.objects.filter(event=ShareEvent.SHARED).count() == 1


def test_erasing_a_learner_takes_the_share_log_with_it(client, omu, plan):
    client.force_login(omu)
    client.get(_plan_url(plan.learner))
    assert PlanShareLog.objects.exists()
    plan.learner.delete()
    assert not PlanShareLog.objects.exists()
    assert AuditEvent.objects.filter(action="resettlement.plan.view").exists()
