"""Forms validate and clean only; the services write."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import staff_at_prisons
from code4000.date_input import DateInputField, date_field
from code4000.plain_words import in_sentence
from reviews.models import (
    RESTRICTED_INTERVENTION_KINDS,
    Attendance,
    Confidence,
    InterventionKind,
    InterventionStatus,
    Module,
    PauseReason,
    Rag,
    Skill,
)

PROGRESS_ROLES = (Role.TUTOR, Role.REGIONAL_MANAGER)


def _date_field(label: str, *, required: bool = True, help_text: str = "") -> DateInputField:
    return date_field(label, required=required, help_text=help_text)


def _not_future(value: dt.date | None, what: str) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"The {what} must be today or in the past")


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Module) -> str:
        required = " (required)" if obj.required_for_graduation else ""
        return f"{obj.track.name}: {obj.title}, {in_sentence(obj.get_level_display())}{required}"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({in_sentence(obj.get_role_display())})"


class CompletionForm(forms.Form):
    module = ModuleChoiceField(
        queryset=Module.objects.none(),
        empty_label="Choose a module",
        error_messages={"required": "Choose the module completed"},
    )
    completed_on = _date_field("Date completed")
    assessed_by = StaffChoiceField(
        label="Assessing tutor",
        queryset=None,
        empty_label="Choose who assessed the work",
        error_messages={"required": "Choose who assessed the work"},
    )
    evidence = forms.CharField(
        label="What the learner built",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Describe what the learner built"},
    )
    evidence_link = forms.CharField(
        label="Link or file reference (optional)", required=False, max_length=300
    )

    def __init__(self, *args, learner, done_module_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = (
            Module.objects.current().exclude(pk__in=list(done_module_ids)).select_related("track")
        )
        self.fields["assessed_by"].queryset = staff_at_prisons(
            [learner.prison_id], roles=PROGRESS_ROLES
        )
        self.helper = _helper(
            Field.select("module"),
            Field("completed_on"),
            Field.select("assessed_by"),
            Field.textarea("evidence"),
            Field.text("evidence_link"),
            Button.primary("submit", "Record completion"),
        )

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        _not_future(value, "date completed")
        return value


class ChecklistForm(forms.Form):
    """Several learners' completion of one module, after a class."""

    module = ModuleChoiceField(
        queryset=Module.objects.none(),
        empty_label="Choose a module",
        error_messages={"required": "Choose the module completed"},
    )
    completed_on = _date_field("Date completed")
    evidence = forms.CharField(
        label="What the learners built",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Describe what the learners built"},
    )
    learners = forms.ModelMultipleChoiceField(
        label="Learners who completed it",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one learner"},
    )

    def __init__(self, *args, learners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.current().select_related("track")
        self.fields["learners"].queryset = learners
        self.fields["learners"].label_from_instance = lambda learner: (
            f"{learner.display_name} ({learner.prison_number}), {learner.prison.name}"
        )
        self.helper = _helper(
            Field.select("module"),
            Field("completed_on"),
            Field.textarea("evidence"),
            Field.checkboxes("learners", legend_size="m", small=True),
            Button.primary("submit", "Record completions"),
        )

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        _not_future(value, "date completed")
        return value


class GraduationExceptionForm(forms.Form):
    reason = forms.CharField(
        label="Why the learner graduates without every required module",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter the reason for the exception"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason"), Button("submit", "Record the graduation"))


class PauseStartForm(forms.Form):
    reason = forms.ChoiceField(
        choices=PauseReason.choices,
        widget=forms.RadioSelect,
        label="Why are reviews paused?",
        error_messages={"required": "Choose why reviews are paused"},
    )
    started_on = _date_field("Date the pause started")
    note = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("reason", legend_size="m"),
            Field("started_on"),
            Field.textarea("note"),
            Button.primary("submit", "Pause reviews"),
        )

    def clean_started_on(self):
        value = self.cleaned_data["started_on"]
        _not_future(value, "date the pause started")
        return value


class PauseEndForm(forms.Form):
    ended_on = _date_field("Date the pause ended")

    def __init__(self, *args, pause, **kwargs):
        super().__init__(*args, **kwargs)
        self.pause = pause
        self.helper = _helper(Field("ended_on"), Button.primary("submit", "Resume reviews"))

    def clean_ended_on(self):
        value = self.cleaned_data["ended_on"]
        _not_future(value, "date the pause ended")
        if value < self.pause.started_on:
            raise forms.ValidationError(
                "The date the pause ended must be on or after the day it started"
            )
        return value


def skill_field_name(skill: str) -> str:
    return f"skill_{skill}"


class ReviewForm(forms.Form):
    """The progress review. Saved as a draft (few checks) or completed (all checks)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = _date_field("Date held", required=False)
    participants = forms.CharField(label="Who took part", required=False, max_length=300)
    progress = forms.CharField(
        label="Progress since the last review",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attendance = forms.ChoiceField(
        label="Attendance",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    engagement = forms.CharField(
        label="Attendance and engagement notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rag = forms.ChoiceField(
        label="Overall judgement", choices=Rag.choices, widget=forms.RadioSelect, required=False
    )
    rag_reason = forms.CharField(
        label="Reason for an amber or red judgement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    goals_achieved = forms.CharField(
        label="Goals achieved", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    goals_continued = forms.CharField(
        label="Goals continued", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    goals_new = forms.CharField(
        label="New goals", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    learner_words = forms.CharField(
        label="The learner's own words", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, earliest: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest = earliest
        for skill in Skill:
            self.fields[skill_field_name(skill.value)] = forms.TypedChoiceField(
                label=skill.label,
                choices=Confidence.choices,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                required=False,
            )
        # Rendered by templates/reviews/includes/review_form.html, not crispy-forms.

    @property
    def skill_fields(self) -> list[forms.BoundField]:
        return [self[skill_field_name(skill.value)] for skill in Skill]

    @property
    def completing(self) -> bool:
        return "complete" in self.data

    def clean_held_on(self):
        value = self.cleaned_data.get("held_on")
        _not_future(value, "date held")
        if value and self.earliest and value < self.earliest:
            raise forms.ValidationError(
                f"The date held must be on or after {self.earliest:%-d %B %Y}, "
                "the intake interview or the last review"
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if not self.completing:
            return cleaned
        required = {
            "held_on": "Enter the date held",
            "progress": "Describe the progress since the last review",
            "attendance": "Choose the learner's attendance",
            "rag": "Choose a red, amber or green judgement",
        }
        for field, message in required.items():
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(field, message)
        if cleaned.get("rag") in (Rag.AMBER, Rag.RED) and not cleaned.get("rag_reason", "").strip():
            self.add_error("rag_reason", "Give the reason for an amber or red judgement")
        for skill in Skill:
            name = skill_field_name(skill.value)
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, f"Rate the learner's {in_sentence(skill.label)}")
        return cleaned

    def ratings(self) -> dict[str, int]:
        return {
            skill.value: self.cleaned_data[skill_field_name(skill.value)]
            for skill in Skill
            if self.cleaned_data.get(skill_field_name(skill.value))
        }

    def review_data(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "held_on",
                "participants",
                "progress",
                "attendance",
                "engagement",
                "rag",
                "rag_reason",
                "goals_achieved",
                "goals_continued",
                "goals_new",
                "learner_words",
            )
        }


class StartingSkillsForm(forms.Form):
    """The confidence ratings at intake: the starting point of distance travelled."""

    rated_on = _date_field("Date rated")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for skill in Skill:
            self.fields[skill_field_name(skill.value)] = forms.TypedChoiceField(
                label=skill.label,
                choices=Confidence.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate the learner's {in_sentence(skill.label)}"},
            )
        self.helper = _helper(
            Field("rated_on"),
            *(
                Field.radios(skill_field_name(s.value), legend_size="s", small=True, inline=True)
                for s in Skill
            ),
            Button.primary("submit", "Save starting ratings"),
        )

    def clean_rated_on(self):
        value = self.cleaned_data["rated_on"]
        _not_future(value, "date rated")
        return value

    def ratings(self) -> dict[str, int]:
        return {skill.value: self.cleaned_data[skill_field_name(skill.value)] for skill in Skill}


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type",
        choices=InterventionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of intervention"},
    )
    description = forms.CharField(
        label="What has been agreed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Describe what has been agreed"},
    )
    owner = StaffChoiceField(
        label="Owner",
        queryset=None,
        empty_label="Choose who owns it",
        error_messages={"required": "Choose who owns the intervention"},
    )
    due_on = _date_field("Due date")
    status = forms.ChoiceField(
        label="Status", choices=InterventionStatus.choices, widget=forms.RadioSelect
    )
    outcome = forms.CharField(
        label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, learner, sees_restricted: bool, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["owner"].queryset = staff_at_prisons([learner.prison_id], roles=PROGRESS_ROLES)
        if not sees_restricted:
            self.fields["kind"].choices = [
                choice
                for choice in InterventionKind.choices
                if choice[0] not in RESTRICTED_INTERVENTION_KINDS
            ]
        layout = [
            Field.radios("kind", legend_size="m", small=True),
            Field.textarea("description"),
            Field.select("owner"),
            Field("due_on"),
        ]
        if editing:
            del self.fields["kind"]
            layout = [
                *layout[1:],
                Field.radios("status", legend_size="s", small=True),
                Field.textarea("outcome"),
            ]
            button = "Save intervention"
        else:
            del self.fields["status"]
            del self.fields["outcome"]
            button = "Add intervention"
        self.helper = _helper(*layout, Button.primary("submit", button))

    def clean(self):
        cleaned = super().clean()
        if (
            self.editing
            and cleaned.get("status") == InterventionStatus.DONE
            and not cleaned.get("outcome", "").strip()
        ):
            self.add_error("outcome", "Describe the outcome of the intervention")
        return cleaned
