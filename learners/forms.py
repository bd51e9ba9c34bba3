"""Learner forms: validation and cleaning only. Choice querysets are narrowed to
what the user may see; the services write."""

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from accounts.models import Prison
from accounts.selectors import prisons_for_user, tutors_for_user
from code4000.date_input import DateInputField, date_field
from learners.imports import MAX_BYTES, MalformedFile, import_decode, import_file_errors
from learners.models import (
    COURSE_TRANSITIONS,
    CUSTODY_TRANSITIONS,
    CUSTODY_WORKFLOW_REFUSALS,
    GRADUATION_REFUSED,
    CourseStatus,
    CustodyStatus,
    Gender,
    GoalStatus,
    Learner,
    pnc_normalised,
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
    the statuses only through the status pages. Gender and PNC number (for the
    Justice Data Lab) are here only: the page is for regional managers, who may see them."""

    class Meta(EnrolmentForm.Meta):
        fields = [*EnrolmentForm.Meta.fields, "gender", "pnc_number"]
        labels = {
            **EnrolmentForm.Meta.labels,
            "gender": "Gender (optional)",
            "pnc_number": "PNC number (optional)",
        }
        help_texts = {
            **EnrolmentForm.Meta.help_texts,
            "gender": "Only for the Justice Data Lab's reoffending measure. Seen by "
            "regional managers and directors only.",
            "pnc_number": "The Police National Computer number, if known, for example "
            "2001/0171310W. Seen by regional managers and directors only.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["prison"]
        self.fields["gender"].choices = [("", "Not recorded"), *Gender.choices]
        self.fields["pnc_number"].widget.attrs["spellcheck"] = "false"
        self.helper.layout = Layout(
            *(item for item in self.helper.layout if getattr(item, "fields", None) != ["prison"])
        )
        self.helper.layout[-1] = Field.select("gender")
        self.helper.layout.append(Field.text("pnc_number", field_width=20))
        self.helper.layout.append(Button("submit", "Save changes"))

    def clean_pnc_number(self) -> str:
        return pnc_normalised(self.cleaned_data["pnc_number"])

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


# --- Consents ------------------------------------------------------------------------


class ConsentGiveForm(forms.Form):
    given_on = _date_field(
        "Date consent was given",
        help_text="The day the learner gave it: today, or an earlier day if you are "
        "recording it later.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("given_on"), Button("submit", "Record consent given"))


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = _date_field(
        "Date consent was withdrawn",
        help_text="The day the learner withdrew it. The withdrawal takes effect as soon "
        "as you record it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("withdrawn_on"), Button("submit", "Record withdrawal"))


# --- Case notes ----------------------------------------------------------------------


class CaseNoteForm(forms.Form):
    happened_on = _date_field("Date of the note")
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Enter the note"},
    )
    restricted = forms.BooleanField(
        label="Restricted: health, recovery or offending-behaviour work",
        help_text="Tutors and prison OMU staff will not see a restricted note.",
        required=False,
    )

    def __init__(self, *args, learner: Learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.helper = _helper(
            Field("happened_on"),
            Field.textarea("text"),
            Field.checkbox("restricted"),
            Button("submit", "Add case note"),
        )

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > dt.date.today():  # noqa: DTZ011 - compared with a local date input
            raise forms.ValidationError("The date of the note must be today or earlier")
        if day < self.learner.joined_on:
            raise forms.ValidationError("The date of the note must be on or after the date joined")
        return day


class CaseNoteCorrectionForm(forms.Form):
    text = forms.CharField(
        label="Correction",
        help_text="Say what was wrong and what is right. The note stays on the record as "
        "it was written, with your correction below it.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Enter the correction"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("text"), Button("submit", "Add correction"))


# --- The intake interview (its steps are in learners.intake_steps) ---------------


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


class RegionalManagerForm(forms.Form):
    """Choose the learner's new regional manager among those at their prison."""

    manager = StaffChoiceField(
        queryset=None,
        label="New regional manager",
        empty_label="Choose a regional manager",
        error_messages={
            "required": "Choose the new regional manager",
            "invalid_choice": "Choose a regional manager who works at the learner's prison",
        },
    )

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers
        self.helper = _helper(Field.select("manager"), Button("submit", "Change regional manager"))
