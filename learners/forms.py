"""Learner forms: validation and cleaning only. Choice querysets are narrowed to
what the user may see; the services write."""

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from accounts.models import Prison
from accounts.selectors import prisons_for_user, tutors_for_user
from code4000.date_input import DateInputField, date_field
from code4000.plain_words import in_sentence
from learners.imports import MAX_BYTES, MalformedFile, import_decode, import_file_errors
from learners.models import (
    COURSE_TRANSITIONS,
    CUSTODY_TRANSITIONS,
    CUSTODY_WORKFLOW_REFUSALS,
    GRADUATION_REFUSED,
    INTAKE_FIELDS,
    RESTRICTED_FIELDS,
    AmbitionCategory,
    ConsentKind,
    CourseStatus,
    CustodyStatus,
    GoalStatus,
    Learner,
    Priority,
    SupportNeed,
)
from learners.selectors import CASELOAD_SORTS


def _date_field(label: str, *, required: bool = True, help_text: str = "") -> DateInputField:
    return date_field(label, required=required, help_text=help_text)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class PrisonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Prison) -> str:
        return obj.name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.email


class EnrolmentForm(forms.ModelForm):
    """A new learner. The prison list is the prisons the user covers; a prison
    outside them is refused with its own message."""

    different_person = forms.BooleanField(
        label="This is a different person: enrol anyway",
        required=False,
    )
    date_of_birth = date_field("Date of birth", past=True)
    joined_on = _date_field("Date joined the course")
    earliest_release_on = _date_field("Earliest release date", required=False)
    expected_release_on = _date_field("Expected release date", required=False)

    class Meta:
        model = Learner
        fields = [
            "prison_number",
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "prison",
            "joined_on",
            "earliest_release_on",
            "expected_release_on",
            "tutor",
        ]
        labels = {
            "prison_number": "Prison number",
            "first_name": "First name",
            "last_name": "Last name",
            "preferred_name": "Preferred name (optional)",
        }
        help_texts = {"prison_number": "For example, A1234BC"}
        error_messages = {
            "prison_number": {"required": "Enter the prison number"},
            "first_name": {"required": "Enter the first name"},
            "last_name": {"required": "Enter the last name"},
        }

    def __init__(self, *args, user, show_different_person: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["prison"] = PrisonChoiceField(
            # A closed prison takes no new learners.
            queryset=prisons_for_user(user).filter(is_active=True).order_by("name"),
            label="Prison",
            empty_label="Choose a prison",
            error_messages={
                "required": "Choose the learner's prison",
                "invalid_choice": "Choose a prison you cover",
            },
        )
        self.fields["tutor"] = StaffChoiceField(
            queryset=tutors_for_user(user),
            label="Tutor (optional)",
            required=False,
            empty_label="Not assigned yet",
            error_messages={"invalid_choice": "Choose a tutor at the learner's prison"},
        )
        self.fields["prison_number"].widget.attrs["spellcheck"] = "false"
        fields = [
            Field.text("prison_number", field_width=10),
            Field.text("first_name"),
            Field.text("last_name"),
            Field.text("preferred_name"),
            Field("date_of_birth"),
            Field.select("prison"),
            Field("joined_on"),
            Field("earliest_release_on"),
            Field("expected_release_on"),
            Field.select("tutor"),
        ]
        if show_different_person:
            fields.append(Field.checkbox("different_person"))
        else:
            del self.fields["different_person"]
        self.helper = _helper(*fields, Button("submit", "Enrol learner"))

    def clean_prison_number(self) -> str:
        return self.cleaned_data["prison_number"].strip().upper().replace(" ", "")

    def clean(self):
        cleaned = super().clean()
        tutor, prison = cleaned.get("tutor"), cleaned.get("prison")
        if tutor and prison and not tutor.prisons.filter(pk=prison.pk).exists():
            self.add_error("tutor", "Choose a tutor who works at the learner's prison")
        return cleaned


class LearnerDetailsForm(EnrolmentForm):
    """Correct a learner's details. The prison changes only through a transfer,
    the statuses only through the status pages."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["prison"]
        self.helper.layout = Layout(
            *(item for item in self.helper.layout if getattr(item, "fields", None) != ["prison"])
        )
        self.helper.layout[-1] = Button("submit", "Save changes")

    def clean(self):
        cleaned = forms.ModelForm.clean(self)
        tutor = cleaned.get("tutor")
        if tutor and not tutor.prisons.filter(pk=self.instance.prison_id).exists():
            self.add_error("tutor", "Choose a tutor who works at the learner's prison")
        return cleaned


class CaseloadFilterForm(forms.Form):
    """The caseload's search, filters and sort, all in the query string."""

    q = forms.CharField(label="Search by name or prison number", required=False, max_length=100)
    prison = PrisonChoiceField(queryset=Prison.objects.none(), required=False, empty_label="All")
    course_status = forms.ChoiceField(
        label="Course status", required=False, choices=[("", "All"), *CourseStatus.choices]
    )
    custody_status = forms.ChoiceField(
        label="Custody status", required=False, choices=[("", "All"), *CustodyStatus.choices]
    )
    tutor = StaffChoiceField(queryset=Prison.objects.none(), required=False, empty_label="All")
    release_soon = forms.BooleanField(label="Release within 12 weeks", required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in CASELOAD_SORTS],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prison"].queryset = prisons_for_user(user).order_by("name")
        self.fields["tutor"].queryset = tutors_for_user(user)
        for name in ("prison", "tutor", "course_status", "custody_status"):
            self.fields[name].widget.attrs["class"] = "govuk-select"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"],
            "prison_id": data["prison"].pk if data["prison"] else None,
            "course_status": data["course_status"],
            "custody_status": data["custody_status"],
            "tutor_id": data["tutor"].pk if data["tutor"] else None,
            "release_soon": data["release_soon"],
            "sort": data["sort"] or "name",
        }


class StatusChoiceField(forms.ChoiceField):
    """Offers `choices`; also accepts the moves another workflow owns, so that the
    form can say where to go instead of "not allowed"."""

    redirected: frozenset[str] = frozenset()

    def valid_value(self, value) -> bool:
        return value in self.redirected or super().valid_value(value)


class StatusChangeForm(forms.Form):
    """A change of course or custody status, offering only the allowed moves."""

    to = StatusChoiceField(
        label="New status",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the new status",
            "invalid_choice": "That status change is not allowed",
        },
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason for the change"},
    )

    def __init__(self, *args, learner: Learner, field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.field = field
        if field == "course":
            allowed = COURSE_TRANSITIONS.get(learner.course_status, frozenset())
            choices = [c for c in CourseStatus.choices if c[0] in allowed]
            # Graduation has its own rule (the last required module, or a director's
            # exception), so this page does not offer it.
            offered = [c for c in choices if c[0] != CourseStatus.GRADUATED]
        else:
            allowed = CUSTODY_TRANSITIONS.get(learner.custody_status, frozenset())
            choices = [c for c in CustodyStatus.choices if c[0] in allowed]
            # Release and return each have their own workflow; the page links there.
            offered = [c for c in choices if c[0] not in CUSTODY_WORKFLOW_REFUSALS]
        self.fields["to"].choices = offered
        self.fields["to"].redirected = frozenset(c[0] for c in choices) - {c[0] for c in offered}
        self.offered = offered
        self.helper = _helper(
            Field.radios("to", legend_size=Size.MEDIUM),
            Field.textarea("reason"),
            Button("submit", "Change status"),
        )

    def clean_to(self):
        to = self.cleaned_data["to"]
        if self.field == "course" and to == CourseStatus.GRADUATED:
            raise forms.ValidationError(GRADUATION_REFUSED)
        if self.field == "custody" and to in CUSTODY_WORKFLOW_REFUSALS:
            raise forms.ValidationError(CUSTODY_WORKFLOW_REFUSALS[to])
        return to


class TakeOnForm(forms.Form):
    """Which learner in the "needs a regional manager" list the user takes on. The
    only field is hidden, so its errors are the form's own (the error summary
    lists those)."""

    learner = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, learners, **kwargs):
        super().__init__(*args, **kwargs)
        self.learners = learners

    def clean(self):
        pk = self.cleaned_data.get("learner")
        learner = self.learners.filter(pk=pk).first() if pk else None
        if learner is None:
            raise forms.ValidationError("That learner no longer needs a regional manager")
        self.cleaned_data["learner"] = learner
        return self.cleaned_data


class TransferForm(forms.Form):
    to_prison = PrisonChoiceField(
        queryset=Prison.objects.none(),
        label="Prison the learner moved to",
        empty_label="Choose a prison",
        error_messages={
            "required": "Choose the prison the learner moved to",
            "invalid_choice": "Choose an active prison",
        },
    )
    transferred_on = _date_field("Date of transfer")
    reason = forms.CharField(
        label="Reason for the transfer",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason for the transfer"},
    )

    def __init__(self, *args, learner: Learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        # Any active prison: a learner may move outside the user's own prisons.
        self.fields["to_prison"].queryset = Prison.objects.filter(is_active=True).order_by("name")
        self.helper = _helper(
            Field.select("to_prison"),
            Field("transferred_on"),
            Field.textarea("reason"),
            Button("submit", "Record transfer"),
        )

    def clean_to_prison(self):
        prison = self.cleaned_data["to_prison"]
        if prison.pk == self.learner.prison_id:
            raise forms.ValidationError("Choose a different prison from the current one")
        return prison

    def clean_transferred_on(self):
        day = self.cleaned_data["transferred_on"]
        if day > dt.date.today():  # noqa: DTZ011 - compared with a local date input
            raise forms.ValidationError("The date of transfer must be today or earlier")
        if day < self.learner.joined_on:
            raise forms.ValidationError("The date of transfer must be after the date joined")
        return day


# --- The intake interview -----------------------------------------------------------


class IntakeForm(forms.Form):
    """The intake interview on one page, in fieldsets by topic. The restricted
    fieldset (health, recovery, offending behaviour) exists only for roles that
    may see restricted notes; the view never builds it for others."""

    held_on = _date_field("Date of the interview")
    education = forms.CharField(
        label="Education and qualifications",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    work_history = forms.CharField(
        label="Work history", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    coding_experience = forms.CharField(
        label="Coding and digital experience",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ambition_categories = forms.MultipleChoiceField(
        label="What do they want to do?",
        choices=AmbitionCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ambitions = forms.CharField(
        label="Ambitions and aspirations, in their words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    support_needs = forms.MultipleChoiceField(
        label="Learning support needs",
        choices=SupportNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reasonable_adjustments = forms.CharField(
        label="Reasonable adjustments", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    priorities = forms.MultipleChoiceField(
        label="Priorities beyond learning",
        choices=Priority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priorities_notes = forms.CharField(
        label="Notes on housing, family and finance",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_release_on = _date_field("Expected release date", required=False)
    release_area = forms.CharField(label="Release area", required=False, max_length=200)

    health_priority = forms.BooleanField(label="Health is a priority", required=False)
    health_notes = forms.CharField(
        label="Health notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recovery_priority = forms.BooleanField(label="Recovery is a priority", required=False)
    recovery_notes = forms.CharField(
        label="Recovery notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    offending_behaviour_notes = forms.CharField(
        label="Offending-behaviour work", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, learner: Learner, include_restricted: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.include_restricted = include_restricted
        consent_fields = []
        for kind, label in ConsentKind.choices:
            self.fields[f"consent_{kind}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"consent_{kind}_on"] = _date_field(
                f"Date consent given: {in_sentence(label)}", required=False
            )
            consent_fields += [Field.checkbox(f"consent_{kind}"), Field(f"consent_{kind}_on")]
        restricted = []
        if include_restricted:
            restricted.append(
                Fieldset(
                    Field.checkbox("health_priority"),
                    Field.textarea("health_notes"),
                    Field.checkbox("recovery_priority"),
                    Field.textarea("recovery_notes"),
                    Field.textarea("offending_behaviour_notes"),
                    legend="Restricted: health, recovery and offending behaviour",
                    legend_size=Size.MEDIUM,
                    css_class="lj-no-print",  # never printed (issue 13 item 14)
                )
            )
        else:
            for name in RESTRICTED_FIELDS:
                del self.fields[name]
        self.helper = _helper(
            Field("held_on"),
            Fieldset(
                Field.textarea("education"),
                Field.textarea("work_history"),
                Field.textarea("coding_experience"),
                legend="Education, work and coding",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("ambition_categories", small=True),
                Field.textarea("ambitions"),
                legend="Ambitions and aspirations",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("support_needs", small=True),
                Field.textarea("reasonable_adjustments"),
                legend="Learning support",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("priorities", small=True),
                Field.textarea("priorities_notes"),
                legend="Priorities beyond learning",
                legend_size=Size.MEDIUM,
            ),
            *restricted,
            Fieldset(
                Field("expected_release_on"),
                Field.text("release_area"),
                legend="Release planning",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(*consent_fields, legend="Consents", legend_size=Size.MEDIUM),
        )

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > dt.date.today():  # noqa: DTZ011 - compared with a local date input
            raise forms.ValidationError("The date of the interview must be today or earlier")
        if day < self.learner.joined_on:
            raise forms.ValidationError(
                "The date of the interview must be on or after the date joined"
            )
        return day

    def clean_expected_release_on(self):
        day = self.cleaned_data["expected_release_on"]
        if day is not None and day < self.learner.joined_on:
            raise forms.ValidationError("Expected release date must be after the date joined")
        return day

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
                    f"consent_{kind}_on", f"Enter the date consent was given: {in_sentence(label)}"
                )
        return cleaned

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in INTAKE_FIELDS}

    def restricted_answers(self) -> dict:
        if not self.include_restricted:
            return None
        return {name: self.cleaned_data[name] for name in RESTRICTED_FIELDS}

    def consents(self) -> dict:
        return {
            kind: (
                self.cleaned_data[f"consent_{kind}_on"]
                if self.cleaned_data[f"consent_{kind}"]
                else None
            )
            for kind in ConsentKind.values
        }


class GoalForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label="Goal", required=False, max_length=300)
    target_on = _date_field("Target date", required=False)
    status = forms.ChoiceField(label="Status", choices=GoalStatus.choices, required=False)
    delete = forms.BooleanField(label="Remove this goal", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("id"),
            Field.text("description"),
            Field("target_on"),
            Field.select("status"),
            Field.checkbox("delete"),
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("description")
            and not cleaned.get("target_on")
            and "target_on" not in self.errors
        ):
            self.add_error("target_on", "Enter a target date for the goal")
        if cleaned.get("description") and not cleaned.get("status"):
            cleaned["status"] = GoalStatus.NOT_STARTED
        return cleaned


GoalFormSet = forms.formset_factory(GoalForm, extra=2, max_num=20)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file you chose is empty",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("file"), Button("submit", "Check the file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV file")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        # A file that cannot be read as a whole is answered here, and nothing is saved.
        try:
            content = import_decode(upload.read())
        except MalformedFile as exc:
            raise forms.ValidationError(str(exc)) from exc
        errors = import_file_errors(content)
        if errors:
            raise forms.ValidationError(errors)
        return content


class ImportCommitForm(forms.Form):
    duplicates_checked = forms.BooleanField(
        label="I have checked the likely duplicates: they are different people",
        required=False,
    )
