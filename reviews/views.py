"""Learning, reviews and interventions pages: gate -> form -> service -> redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import Capability, access_for
from accounts.kept_answers import restored_answers
from accounts.models import Role
from accounts.selectors import prisons_for_user
from audit.services import audit_record
from learners.selectors import learner_for_user
from reviews import selectors, services
from reviews.charts import skills_distance_svg
from reviews.forms import (
    ChecklistForm,
    CompletionForm,
    GraduationExceptionForm,
    InterventionForm,
    PauseEndForm,
    PauseStartForm,
    ReviewForm,
    StartingSkillsForm,
    skill_field_name,
)
from reviews.models import Confidence, ReviewStatus, Skill

GET_POST = ["GET", "POST"]


def _posted(request):
    """The submitted data on POST (even when empty, so the form shows its errors);
    on GET, answers posted after the session ended, once, to be checked and saved."""
    return request.POST if request.method == "POST" else restored_answers(request)


def _audit_view(request, learner, page: str, obj=None) -> None:
    audit_record(
        actor=request.user,
        action="learner.view",
        obj=obj or learner,
        learner_id=learner.pk,
        detail={"page": page},
    )


# Learning


@login_required
@require_GET
def learning(request, pk: int):
    learner = learner_for_user(request.user, pk)
    series = selectors.skill_series(learner)
    completions = list(selectors.completions_of(learner))
    track_rows = selectors.curriculum_rows(completions)
    _audit_view(request, learner, "learning")
    return render(
        request,
        "reviews/learning.html",
        {
            "learner": learner,
            "progress": selectors.required_progress(learner),
            "track_rows": track_rows,
            "completion_count": len(completions),
            "series": series,
            "levels": Confidence.choices,
            "chart": skills_distance_svg(series),
            "has_ratings": any(s.points for s in series),
            "can_record": access_for(request.user).can(Capability.RECORD_PROGRESS),
            "can_graduate_by_exception": access_for(request.user).role == Role.DIRECTOR
            and learner.course_status == "active",
        },
    )


@login_required
@require_http_methods(GET_POST)
def completion_add(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.RECORD_PROGRESS)
    form = CompletionForm(
        _posted(request),
        learner=learner,
        done_module_ids=selectors.completed_module_ids(learner),
        initial={"completed_on": timezone.localdate(), "assessed_by": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        result = services.completion_record(
            actor=request.user,
            learner=learner,
            module=form.cleaned_data["module"],
            completed_on=form.cleaned_data["completed_on"],
            assessed_by=form.cleaned_data["assessed_by"],
            evidence=form.cleaned_data["evidence"],
            evidence_link=form.cleaned_data["evidence_link"],
        )
        message = f"{form.cleaned_data['module'].title} recorded as completed."
        if result.graduated:
            message += f" {learner.display_name} has completed every required module and graduated."
        messages.success(request, message)
        return redirect("reviews:learning", pk=learner.pk)
    _audit_view(request, learner, "completion_add")
    return render(
        request,
        "reviews/completion_add.html",
        {"learner": learner, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def starting_skills(request, pk: int):
    """The ratings at intake, if the intake interview did not record them."""
    learner = learner_for_user(request.user, pk, capability=Capability.RECORD_PROGRESS)
    existing = selectors.intake_ratings(learner)
    initial = {skill_field_name(skill): rating for skill, rating in existing.items()}
    initial["rated_on"] = learner.intake_completed_on or timezone.localdate()
    form = StartingSkillsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.intake_ratings_record(
            actor=request.user,
            learner=learner,
            ratings=form.ratings(),
            rated_on=form.cleaned_data["rated_on"],
        )
        messages.success(request, "Starting skill ratings saved.")
        return redirect(f"{reverse('reviews:learning', args=[learner.pk])}#skills")
    _audit_view(request, learner, "starting_skills")
    return render(
        request,
        "reviews/starting_skills.html",
        {"learner": learner, "form": form, "existing": bool(existing)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def checklist(request):
    access = access_for(request.user)
    access.require(Capability.RECORD_PROGRESS)
    prisons = prisons_for_user(request.user)
    prison_id = request.GET.get("prison") or ""
    prison_id = int(prison_id) if prison_id.isdigit() else None
    learners = selectors.checklist_learners(request.user, prison_id=prison_id)
    form = ChecklistForm(
        _posted(request),
        learners=learners,
        initial={"completed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        results = services.completions_record_bulk(
            actor=request.user,
            learners=form.cleaned_data["learners"],
            module=form.cleaned_data["module"],
            completed_on=form.cleaned_data["completed_on"],
            evidence=form.cleaned_data["evidence"],
        )
        recorded = [learner for learner, result in results if result.completion]
        skipped = [learner for learner, result in results if result.already_done]
        graduated = [learner for learner, result in results if result.graduated]
        message = f"{form.cleaned_data['module'].title}: {len(recorded)} completion(s) recorded."
        if skipped:
            names = ", ".join(learner.display_name for learner in skipped)
            message += f" Already recorded for {names}."
        if graduated:
            names = ", ".join(learner.display_name for learner in graduated)
            message += f" Graduated: {names}."
        messages.success(request, message)
        return redirect(f"{reverse('reviews:checklist')}?prison={prison_id or ''}")
    return render(
        request,
        "reviews/checklist.html",
        {"form": form, "prisons": prisons, "prison_id": prison_id},
        status=400 if form.errors else 200,
    )


# Reviews


@login_required
@require_GET
def learner_reviews(request, pk: int):
    learner = learner_for_user(request.user, pk)
    schedule = selectors.schedule_for(learner)
    reviews = selectors.reviews_of(learner)
    _audit_view(request, learner, "reviews")
    return render(
        request,
        "reviews/learner_reviews.html",
        {
            "learner": learner,
            "schedule": schedule,
            "reviews": reviews,
            "draft": selectors.draft_review_of(learner),
            "pauses": selectors.pauses_of(learner),
            "open_pause": selectors.open_pause_of(learner),
            "can_record": access_for(request.user).can(Capability.RECORD_PROGRESS),
            "sees_restricted": access_for(request.user).sees_restricted,
        },
    )


@login_required
@require_POST
def review_start(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.RECORD_PROGRESS)
    review = services.review_start(actor=request.user, learner=learner)
    return redirect("reviews:review_edit", pk=learner.pk, review_id=review.pk)


def _review_initial(review, learner) -> dict:
    initial = {name: getattr(review, name) for name in ReviewForm.base_fields if name != "version"}
    initial["version"] = review.version
    ratings = {
        skill: r.rating for skill, r in selectors.ratings_of_review(review).items()
    } or selectors.latest_ratings(learner)
    for skill in Skill:
        if skill.value in ratings:
            initial[skill_field_name(skill.value)] = ratings[skill.value]
    return initial


@login_required
@require_http_methods(GET_POST)
def review_edit(request, pk: int, review_id: int):
    learner = learner_for_user(request.user, pk, capability=Capability.RECORD_PROGRESS)
    review = selectors.review_for_user(request.user, learner, review_id)
    if review.status == ReviewStatus.COMPLETE:
        return redirect("reviews:review_detail", pk=learner.pk, review_id=review.pk)
    previous = selectors.last_held_review(learner, before=review)
    since = previous.held_on if previous else learner.intake_completed_on
    form = ReviewForm(_posted(request), initial=_review_initial(review, learner), earliest=since)
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                actor=request.user,
                review=review,
                version=form.cleaned_data["version"],
                data=form.review_data(),
                ratings=form.ratings(),
                complete=form.completing,
            )
        except services.StaleReviewError as exc:
            conflict = exc
            status = 409
        else:
            if form.completing:
                messages.success(request, "Review completed. The next review has been scheduled.")
                return redirect("reviews:learner_reviews", pk=learner.pk)
            messages.success(request, "Review saved as a draft.")
            return redirect("reviews:review_edit", pk=learner.pk, review_id=review.pk)
    elif form.errors:
        status = 400
    _audit_view(request, learner, "review_edit", obj=review)
    return render(
        request,
        "reviews/review_edit.html",
        {
            "learner": learner,
            "review": review,
            "form": form,
            "conflict": conflict,
            "since": since,
            "completions": selectors.completions_since(learner, since),
            "interventions": selectors.interventions_of_review(request.user, learner, review),
        },
        status=status,
    )


@login_required
@require_GET
def review_detail(request, pk: int, review_id: int):
    learner = learner_for_user(request.user, pk)
    review = selectors.review_for_user(request.user, learner, review_id)
    previous = selectors.last_held_review(learner, before=review)
    since = previous.held_on if previous else learner.intake_completed_on
    completions = selectors.completions_since(learner, since, until=review.held_on)
    ratings = selectors.ratings_of_review(review)
    _audit_view(request, learner, "review_detail", obj=review)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "learner": learner,
            "review": review,
            "completions": completions,
            "ratings": [(skill.label, ratings.get(skill.value)) for skill in Skill],
            "interventions": selectors.interventions_of_review(request.user, learner, review),
            "can_record": access_for(request.user).can(Capability.RECORD_PROGRESS),
        },
    )


@login_required
@require_http_methods(GET_POST)
def pause_start(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.RECORD_PROGRESS)
    open_pause = selectors.open_pause_of(learner)
    if open_pause is not None:
        messages.info(request, "Reviews are already paused. End that pause first.")
        return redirect("reviews:learner_reviews", pk=learner.pk)
    form = PauseStartForm(_posted(request), initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.pause_start(actor=request.user, learner=learner, **form.cleaned_data)
        messages.success(request, "Reviews paused. The clock stops until the pause ends.")
        return redirect("reviews:learner_reviews", pk=learner.pk)
    _audit_view(request, learner, "pause_start")
    return render(
        request,
        "reviews/pause_start.html",
        {"learner": learner, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def graduation_exception(request, pk: int):
    learner = learner_for_user(request.user, pk)
    if access_for(request.user).role != Role.DIRECTOR:
        raise PermissionDenied("Only a director can record a graduation exception.")
    form = GraduationExceptionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.graduation_exception_record(
                actor=request.user, learner=learner, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{learner.display_name} is recorded as a graduate.")
            return redirect("reviews:learning", pk=learner.pk)
    _audit_view(request, learner, "graduation_exception")
    return render(
        request,
        "reviews/graduation_exception.html",
        {"learner": learner, "form": form, "progress": selectors.required_progress(learner)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def pause_end(request, pk: int, pause_id: int):
    learner = learner_for_user(request.user, pk, capability=Capability.RECORD_PROGRESS)
    pause = selectors.pause_for_user(request.user, learner, pause_id)
    if not pause.is_open:
        messages.info(request, "That pause has already ended.")
        return redirect("reviews:learner_reviews", pk=learner.pk)
    form = PauseEndForm(_posted(request), pause=pause, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.pause_end(
                actor=request.user, pause=pause, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Reviews resumed. The next due date has been recalculated.")
            return redirect("reviews:learner_reviews", pk=learner.pk)
    _audit_view(request, learner, "pause_end", obj=pause)
    return render(
        request,
        "reviews/pause_end.html",
        {"learner": learner, "pause": pause, "form": form},
        status=400 if form.errors else 200,
    )


# Interventions


@login_required
@require_GET
def learner_interventions(request, pk: int):
    learner = learner_for_user(request.user, pk)
    interventions = selectors.interventions_of(request.user, learner)
    page = Paginator(interventions, 25).get_page(request.GET.get("page"))
    _audit_view(request, learner, "interventions")
    return render(
        request,
        "reviews/learner_interventions.html",
        {
            "learner": learner,
            "page": page,
            "can_record": access_for(request.user).can(Capability.RECORD_PROGRESS),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(GET_POST)
def intervention_add(request, pk: int):
    learner = learner_for_user(request.user, pk, capability=Capability.RECORD_PROGRESS)
    review = None
    review_id = request.GET.get("review") or ""
    if review_id.isdigit():
        review = selectors.review_for_user(request.user, learner, int(review_id))
    form = InterventionForm(
        _posted(request),
        learner=learner,
        sees_restricted=access_for(request.user).sees_restricted,
        initial={"owner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        services.intervention_raise(
            actor=request.user,
            learner=learner,
            review=review,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            owner=form.cleaned_data["owner"],
            due_on=form.cleaned_data["due_on"],
        )
        messages.success(request, "Intervention added.")
        if review is not None and not review.is_complete:
            return redirect("reviews:review_edit", pk=learner.pk, review_id=review.pk)
        return redirect("reviews:learner_interventions", pk=learner.pk)
    _audit_view(request, learner, "intervention_add")
    return render(
        request,
        "reviews/intervention_form.html",
        {"learner": learner, "form": form, "review": review, "intervention": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def intervention_edit(request, pk: int, intervention_id: int):
    learner = learner_for_user(request.user, pk, capability=Capability.RECORD_PROGRESS)
    intervention = selectors.intervention_for_user(request.user, learner, intervention_id)
    form = InterventionForm(
        _posted(request),
        learner=learner,
        sees_restricted=access_for(request.user).sees_restricted,
        editing=True,
        initial={
            "description": intervention.description,
            "owner": intervention.owner_id,
            "due_on": intervention.due_on,
            "status": intervention.status,
            "outcome": intervention.outcome,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.intervention_update(
            actor=request.user, intervention=intervention, **form.cleaned_data
        )
        messages.success(request, "Intervention saved.")
        return redirect("reviews:learner_interventions", pk=learner.pk)
    _audit_view(request, learner, "intervention_edit", obj=intervention)
    return render(
        request,
        "reviews/intervention_form.html",
        {"learner": learner, "form": form, "review": None, "intervention": intervention},
        status=400 if form.errors else 200,
    )
