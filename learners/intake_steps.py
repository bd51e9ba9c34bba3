"""The intake interview in steps, one topic per page (the HMPPS pattern), then
"check your answers". Each step is a small form; the answers given so far are kept
as JSON in an IntakeDraft, by step, and turned into the arguments of
`learners.services.intake_save` only when the interview is confirmed.

The restricted step (health, recovery, offending behaviour) exists only for roles
that may see restricted notes: `steps_for(access)` leaves it out for the others,
so its form is never built for them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.layout import Field
from django import forms

from code4000.date_input import DateInputField
from learners.forms import GoalFormSet, _date_field, _helper
from learners.models import (
    INTAKE_FIELDS,
    RESTRICTED_FIELDS,
    AmbitionCategory,
    Consent,
    ConsentKind,
    GoalStatus,
    Learner,
    Priority,
    SupportNeed,
)


def held_on_problem(day: dt.date, learner: Learner) -> str | None:
    """Why a date of the interview is refused, or None."""
    if day > dt.date.today():  # noqa: DTZ011 - compared with a local date input
        return "The date of the interview must be today or earlier"
    if day < learner.joined_on:
        return "The date of the interview must be on or after the date joined"
    return None


class StepForm(forms.Form):
    def __init__(self, *args, learner: Learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.helper = _helper(*self.layout())

    def layout(self) -> list:
        return [_layout_field(self.fields[name], name) for name in self.fields]

    def answers(self) -> dict[str, Any]:
        """The cleaned answers, as JSON (dates as ISO strings)."""
        return {name: _to_json(self.cleaned_data.get(name)) for name in self.fields}


def _layout_field(field: forms.Field, name: str):
    if isinstance(field, forms.MultipleChoiceField):
        return Field.checkboxes(name, small=True)
    if isinstance(field, forms.BooleanField):
        return Field.checkbox(name)
    if isinstance(field.widget, forms.Textarea):
        return Field.textarea(name)
    if isinstance(field, forms.DateField):
        return Field(name)
    return Field.text(name)


def _textarea(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}))


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _from_json(field: forms.Field, value: Any) -> Any:
    if isinstance(field, forms.DateField) and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return value


class InterviewStep(StepForm):
    held_on = _date_field("Date of the interview")

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        problem = held_on_problem(day, self.learner)
        if problem:
            raise forms.ValidationError(problem)
        return day


class EducationStep(StepForm):
    education = _textarea("Education and qualifications")
    work_history = _textarea("Work history")
    coding_experience = _textarea("Coding and digital experience")


class AmbitionsStep(StepForm):
    ambition_categories = forms.MultipleChoiceField(
        label="What do they want to do?",
        choices=AmbitionCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ambitions = _textarea("Ambitions and aspirations, in their words")


class SupportStep(StepForm):
    support_needs = forms.MultipleChoiceField(
        label="Learning support needs",
        choices=SupportNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reasonable_adjustments = _textarea("Reasonable adjustments")


class PrioritiesStep(StepForm):
    priorities = forms.MultipleChoiceField(
        label="Priorities beyond learning",
        choices=Priority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priorities_notes = _textarea("Notes on housing, family and finance")


class RestrictedStep(StepForm):
    health_priority = forms.BooleanField(label="Health is a priority", required=False)
    health_notes = _textarea("Health notes")
    recovery_priority = forms.BooleanField(label="Recovery is a priority", required=False)
    recovery_notes = _textarea("Recovery notes")
    offending_behaviour_notes = _textarea("Offending-behaviour work")


class ReleaseStep(StepForm):
    expected_release_on = _date_field("Expected release date", required=False)
    release_area = forms.CharField(label="Release area", required=False, max_length=200)

    def clean_expected_release_on(self):
        day = self.cleaned_data["expected_release_on"]
        if day is not None and day < self.learner.joined_on:
            raise forms.ValidationError("Expected release date must be after the date joined")
        return day


def _consent_words(label: str) -> str:
    """'Share the resettlement plan with the prison's OMU' inside a sentence: only
    the first letter changes, so 'OMU' keeps its capitals."""
    return f"{label[0].lower()}{label[1:]}"


class ConsentsStep(StepForm):
    def __init__(self, *args, learner: Learner, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        for kind, label in ConsentKind.choices:
            self.fields[f"consent_{kind}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"consent_{kind}_on"] = _date_field(
                f"Date consent given to {_consent_words(label)}", required=False
            )
        self.learner = learner
        self.helper = _helper(*self.layout())

    def clean(self):
        cleaned = super().clean()
        for kind, label in ConsentKind.choices:
            field = f"consent_{kind}_on"
            if (
                cleaned.get(f"consent_{kind}")
                and not cleaned.get(field)
                and field not in self.errors
            ):
                self.add_error(
                    field, f"Enter the date consent was given to {_consent_words(label)}"
                )
            day = cleaned.get(field)
            if cleaned.get(f"consent_{kind}") and day and field not in self.errors:
                consent = Consent(learner=self.learner, kind=kind, given_on=day)
                for message in consent.date_errors("given_on", day).values():
                    self.add_error(field, f"{message}: {_consent_words(label)}")
        return cleaned


class GoalsStep:
    """The first goals: a formset, shaped like the other steps for the views."""

    def __init__(self, data=None, *, learner: Learner, initial=None):
        self.learner = learner
        self.formset = GoalFormSet(data, prefix="goals", initial=initial)

    @property
    def is_bound(self) -> bool:
        return self.formset.is_bound

    def is_valid(self) -> bool:
        return self.formset.is_valid()

    def answers(self) -> list[dict[str, Any]]:
        return [
            {name: _to_json(value) for name, value in form.cleaned_data.items()}
            for form in self.formset.forms
            if form.cleaned_data
            and (form.cleaned_data.get("description") or form.cleaned_data.get("id"))
        ]


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type
    restricted: bool = False

    def form(self, data=None, *, learner: Learner, values: Any = None):
        """The step's form: bound to `data`, or unbound showing `values` (JSON)."""
        if self.form_class is GoalsStep:
            initial = [_goal_from_json(goal) for goal in values or []]
            return GoalsStep(data, learner=learner, initial=initial)
        form = self.form_class(data, learner=learner)
        if data is None and values:
            form.initial = {
                name: _from_json(form.fields[name], value)
                for name, value in values.items()
                if name in form.fields
            }
        return form


STEPS = (
    Step("interview", "Date of the interview", InterviewStep),
    Step("education", "Education, work and coding", EducationStep),
    Step("ambitions", "Ambitions and aspirations", AmbitionsStep),
    Step("support", "Learning support", SupportStep),
    Step("priorities", "Priorities beyond learning", PrioritiesStep),
    Step("restricted", "Health, recovery and offending behaviour", RestrictedStep, restricted=True),
    Step("release", "Release planning", ReleaseStep),
    Step("goals", "First goals", GoalsStep),
    Step("consents", "Consents", ConsentsStep),
)


def steps_for(access) -> list[Step]:
    return [step for step in STEPS if access.sees_restricted or not step.restricted]


def _goal_from_json(goal: dict[str, Any]) -> dict[str, Any]:
    target = goal.get("target_on")
    return {**goal, "target_on": dt.date.fromisoformat(target) if target else None}


def _step_answers(answers: Any, slug: str) -> Any:
    return answers.get(slug) if isinstance(answers, dict) else None


def answered(answers: Any, steps: list[Step]) -> list[str]:
    """The slugs of the steps answered so far."""
    return [step.slug for step in steps if _step_answers(answers, step.slug) is not None]


def answers_from_records(
    *, learner: Learner, intake, restricted, consents: dict, goals
) -> dict[str, Any]:
    """Every step's answers as the records hold them (an interview being edited
    starts from these)."""

    def pick(row, names) -> dict[str, Any]:
        return {name: _to_json(getattr(row, name)) for name in names} if row else {}

    answers: dict[str, Any] = {
        "interview": pick(intake, ["held_on"]),
        "education": pick(intake, ["education", "work_history", "coding_experience"]),
        "ambitions": pick(intake, ["ambition_categories", "ambitions"]),
        "support": pick(intake, ["support_needs", "reasonable_adjustments"]),
        "priorities": pick(intake, ["priorities", "priorities_notes"]),
        "restricted": pick(restricted, RESTRICTED_FIELDS),
        "release": {
            "expected_release_on": _to_json(learner.expected_release_on),
            "release_area": intake.release_area if intake else "",
        },
        "goals": [
            {
                "id": goal.pk,
                "description": goal.description,
                "target_on": _to_json(goal.target_on),
                "status": goal.status,
                "delete": False,
            }
            for goal in goals
        ],
        "consents": {},
    }
    for kind in ConsentKind.values:
        consent = consents.get(kind)
        answers["consents"][f"consent_{kind}"] = consent is not None
        answers["consents"][f"consent_{kind}_on"] = _to_json(consent.given_on if consent else None)
    return answers


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def intake_payload(answers: dict[str, Any], *, sees_restricted: bool) -> dict[str, Any]:
    """The keyword arguments of `intake_save` from a complete set of step answers."""
    merged: dict[str, Any] = {}
    for slug in ("interview", "education", "ambitions", "support", "priorities", "release"):
        merged |= answers.get(slug) or {}
    intake_answers = {}
    for name in INTAKE_FIELDS:
        value = merged.get(name)
        if name == "held_on":
            value = _date(value)
        elif name in ("ambition_categories", "support_needs", "priorities"):
            value = list(value or [])
        else:
            value = value or ""
        intake_answers[name] = value
    restricted = None
    if sees_restricted:
        secret = answers.get("restricted") or {}
        restricted = {
            name: bool(secret.get(name)) if name.endswith("_priority") else secret.get(name) or ""
            for name in RESTRICTED_FIELDS
        }
    consent_answers = answers.get("consents") or {}
    consents = {
        kind: _date(consent_answers.get(f"consent_{kind}_on"))
        if consent_answers.get(f"consent_{kind}")
        else None
        for kind in ConsentKind.values
    }
    goals = [
        {
            "id": goal.get("id"),
            "description": goal.get("description") or "",
            "target_on": _date(goal.get("target_on")),
            "status": goal.get("status") or GoalStatus.NOT_STARTED,
            "delete": bool(goal.get("delete")),
        }
        for goal in answers.get("goals") or []
    ]
    return {
        "answers": intake_answers,
        "restricted": restricted,
        "expected_release_on": _date(merged.get("expected_release_on")),
        "consents": consents,
        "goals": goals,
    }


def confirm_problems(
    answers: Any, *, steps: list[Step], learner: Learner
) -> list[tuple[Step, str]]:
    """What stops the interview being confirmed: steps not answered yet, and a date
    of the interview that is no longer allowed."""
    problems = [
        (step, f"Answer the questions on {step.title.lower()}")
        for step in steps
        if _step_answers(answers, step.slug) is None
    ]
    held_on = _date((_step_answers(answers, "interview") or {}).get("held_on"))
    if not problems and held_on is None:
        problems.append((steps[0], "Enter the date of the interview"))
    elif held_on is not None and (problem := held_on_problem(held_on, learner)):
        problems.append((steps[0], problem))
    return problems


# --- Check your answers -------------------------------------------------------------


def _labels(choices, values) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(value, value)) for value in values or [])


def summary_rows(step: Step, values: Any, *, learner: Learner) -> list[dict[str, Any]]:
    """The rows of one step on "check your answers": a key, a text and, apart, a
    date (the template formats dates)."""
    if values is None:
        return [{"key": step.title, "text": "Not answered yet", "date": None}]
    if step.form_class is GoalsStep:
        goals = [goal for goal in values if goal.get("description")]
        if not goals:
            return [{"key": "Goals", "text": "None set", "date": None}]
        rows = []
        for number, goal in enumerate(goals, start=1):
            status = dict(GoalStatus.choices).get(goal.get("status"), "Not started")
            text = f"{goal['description']} ({str(status).lower()})"
            if goal.get("delete"):
                text += ": to be removed"
            rows.append(
                {
                    "key": f"Goal {number}",
                    "text": text,
                    "date": _date(goal.get("target_on")),
                    "date_prefix": "by",
                }
            )
        return rows
    form = step.form(learner=learner)
    rows = []
    if step.form_class is ConsentsStep:
        for kind, label in ConsentKind.choices:
            given = values.get(f"consent_{kind}")
            rows.append(
                {
                    "key": label,
                    "text": "Given" if given else "Not given",
                    "date": _date(values.get(f"consent_{kind}_on")) if given else None,
                    "date_prefix": "on",
                }
            )
        return rows
    for name, field in form.fields.items():
        value = values.get(name)
        row = {"key": field.label, "text": "", "date": None}
        if isinstance(field, forms.MultipleChoiceField):
            row["text"] = _labels(field.choices, value) or "None chosen"
        elif isinstance(field, forms.BooleanField):
            row["text"] = "Yes" if value else "No"
        elif isinstance(field, forms.DateField | DateInputField):
            row["date"] = _date(value)
            row["text"] = "" if row["date"] else "Not known"
        else:
            row["text"] = value or "Not recorded"
        rows.append(row)
    return rows
