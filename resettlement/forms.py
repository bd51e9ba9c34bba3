"""Forms validate and clean; the services write."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils import timezone

from code4000.date_input import DateInputField, date_field
from learners.models import CourseStatus
from resettlement.models import (
    UPDATE_STATUSES,
    ActionStatus,
    ApplicationStatus,
    ContactMethod,
    Employer,
    Mentor,
    Opportunity,
    OutcomeKind,
    OutcomeSource,
    PathwayStatus,
    PlanAction,
    ReleaseType,
    TechLevel,
)


def _date(label: str, *, required: bool = True, help_text: str = "") -> DateInputField:
    return date_field(label, required=required, help_text=help_text)


def _required(field: forms.Field, message: str) -> forms.Field:
    field.error_messages["required"] = message
    return field


class GdsForm(forms.Form):
    """A form laid out field by field with one submit button."""

    button = "Save"
    radios: tuple[str, ...] = ()
    checkboxes: tuple[str, ...] = ()

    def __init__(self, *args, button: str | None = None, **kwargs):
        if button is not None:
            self.button = button
        super().__init__(*args, **kwargs)
        self.adjust_fields()
        self.helper = FormHelper()
        self.helper.form_tag = False
        layout = []
        for name in self.fields:
            if name in self.radios:
                layout.append(Field.radios(name, legend_size="s"))
            elif name in self.checkboxes:
                layout.append(Field.checkboxes(name, legend_size="s"))
            else:
                layout.append(Field(name))
        self.helper.layout = Layout(*layout, Button("submit", self.button))

    def adjust_fields(self) -> None:
        """Add or drop fields for this instance, before the layout is built."""


def _not_future(value, label: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"The {label} must be today or in the past")
    return value


# The plan


class PathwayStatusForm(GdsForm):
    button = "Save status"
    radios = ("status",)
    status = forms.ChoiceField(
        label="Status",
        choices=PathwayStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a status"},
    )


class ActionForm(GdsForm):
    button = "Save action"
    radios = ("owner_organisation", "status")
    description = _required(
        forms.CharField(label="What needs to happen", max_length=300, widget=forms.Textarea),
        "Enter what needs to happen",
    )
    owner_organisation = forms.ChoiceField(
        label="Which organisation owns it",
        choices=PlanAction._meta.get_field("owner_organisation").choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the organisation that owns the action"},
    )
    owner_name = forms.CharField(label="Named owner (optional)", max_length=120, required=False)
    due_on = _date("Due date", required=False)
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        initial=ActionStatus.NOT_STARTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a status"},
    )


class ActionUpdateForm(GdsForm):
    """A dated note on an action, with the action's status as it stands."""

    button = "Add update"
    radios = ("status",)
    status = forms.ChoiceField(
        label="Status of the action",
        choices=[(status.value, status.label) for status in UPDATE_STATUSES],
        widget=forms.RadioSelect,
        # Shown checked at the action's current status; left out, it stays as it is.
        required=False,
    )
    written_on = _date("Date of the update")
    text = _required(forms.CharField(label="Update", widget=forms.Textarea), "Enter the update")

    def clean_written_on(self):
        return _not_future(self.cleaned_data["written_on"], "date of the update")


class CommentForm(GdsForm):
    button = "Add comment"
    text = _required(forms.CharField(label="Comment", widget=forms.Textarea), "Enter a comment")


# Release and after


class ReleaseForm(GdsForm):
    button = "Record release"
    radios = ("release_type",)
    released_on = _date("Release date")
    release_type = forms.ChoiceField(
        label="Type of release",
        choices=ReleaseType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of release"},
    )
    area = _required(
        forms.CharField(label="Release area", max_length=120), "Enter the release area"
    )
    support_agreed = forms.CharField(
        label="Support agreed (optional)", widget=forms.Textarea, required=False
    )
    contact_email = forms.EmailField(
        label="Email for contact after release (optional)",
        help_text="If the learner consented to contact after release, we email them here "
        "at each follow-up to ask how they are doing.",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )

    def clean_released_on(self):
        return _not_future(self.cleaned_data["released_on"], "release date")


class CustodyReturnForm(GdsForm):
    button = "Record return to custody"

    returned_on = _date("Date of return to custody")
    reason = forms.CharField(label="Details (optional)", max_length=300, required=False)

    def __init__(self, *args, released_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.released_on = released_on

    def clean_returned_on(self):
        value = _not_future(self.cleaned_data["returned_on"], "date of return to custody")
        if self.released_on and value < self.released_on:
            raise forms.ValidationError(
                f"The date of return must be on or after the release date, "
                f"{self.released_on:%d %B %Y}"
            )
        return value


class FollowUpForm(GdsForm):
    """Several outcomes at once. The tech job's details are asked when 'employed in
    tech' is ticked; one line of detail serves the other kinds."""

    button = "Save follow-up"
    radios = ("source", "tech_level")
    checkboxes = ("kinds",)
    EXCLUSIVE = (OutcomeKind.LOST_CONTACT,)

    confirmed_on = _date("Date confirmed")
    source = forms.ChoiceField(
        label="Source",
        choices=OutcomeSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who confirmed the outcomes"},
    )
    kinds = forms.MultipleChoiceField(
        label="Outcomes",
        help_text="Select all that apply.",
        choices=OutcomeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one outcome"},
    )
    role = forms.CharField(label="Tech role", max_length=120, required=False)
    employer_name = forms.CharField(label="Tech employer", max_length=120, required=False)
    tech_level = forms.ChoiceField(
        label="Level of the tech role",
        choices=TechLevel.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    started_on = _date("Start date of the tech role", required=False)
    detail = forms.CharField(
        label="Other details (optional)",
        help_text="For example the bootcamp, course or other job.",
        max_length=200,
        required=False,
    )

    def __init__(self, *args, released_on=None, returned=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.released_on = released_on
        self.returned = returned

    def clean_confirmed_on(self):
        value = _not_future(self.cleaned_data["confirmed_on"], "date confirmed")
        if self.released_on and value < self.released_on:
            raise forms.ValidationError("The date confirmed must be on or after the release date")
        return value

    def clean(self):
        data = super().clean()
        kinds = data.get("kinds") or []
        if OutcomeKind.RETURNED_TO_CUSTODY in kinds and not self.returned:
            self.add_error(
                "kinds",
                "Record the return to custody first, from the release page, so the "
                "learner's custody status changes too",
            )
        if OutcomeKind.LOST_CONTACT in kinds and len(kinds) > 1:
            self.add_error("kinds", "Lost contact cannot be recorded with another outcome")
        if OutcomeKind.EMPLOYED_TECH in kinds:
            if not data.get("role"):
                self.add_error("role", "Enter the tech role")
            if not data.get("employer_name"):
                self.add_error("employer_name", "Enter the tech employer")
            if not data.get("tech_level"):
                self.add_error("tech_level", "Select the level of the tech role")
        return data

    def outcomes(self) -> list[dict]:
        """The outcomes for `follow_up_record`, tech details on the tech job only."""
        data = self.cleaned_data
        rows = []
        for kind in data["kinds"]:
            row: dict = {"kind": kind}
            if kind == OutcomeKind.EMPLOYED_TECH:
                row.update(
                    role=data["role"],
                    employer_name=data["employer_name"],
                    tech_level=data["tech_level"],
                    started_on=data.get("started_on"),
                )
            elif data.get("detail"):
                row["detail"] = data["detail"]
            rows.append(row)
        return rows


class SupportContactForm(GdsForm):
    button = "Save contact"
    radios = ("method",)
    contacted_on = _date("Date of contact")
    method = forms.ChoiceField(
        label="How",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact happened"},
    )
    with_whom = _required(
        forms.CharField(label="Who was contacted", max_length=120),
        "Enter who was contacted",
    )
    summary = _required(
        forms.CharField(label="Summary", widget=forms.Textarea), "Enter a summary of the contact"
    )
    next_step = forms.CharField(label="Next step (optional)", max_length=300, required=False)
    restricted_note = forms.CharField(
        label="Restricted note (optional)",
        help_text="Health, recovery or offending matters. Hidden from tutors and prison staff.",
        widget=forms.Textarea,
        required=False,
    )

    def clean_contacted_on(self):
        return _not_future(self.cleaned_data["contacted_on"], "date of contact")


# Employers, opportunities, applications, mentors


class EmployerForm(GdsForm):
    button = "Add employer"
    radios = ("hired_with_convictions",)
    name = _required(forms.CharField(label="Name", max_length=150), "Enter the employer's name")
    sector = _required(forms.CharField(label="Sector", max_length=100), "Enter the sector")
    contact_name = forms.CharField(label="Contact name (optional)", max_length=120, required=False)
    contact_email = forms.EmailField(
        label="Contact email (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format"},
    )
    contact_phone = forms.CharField(label="Contact phone (optional)", max_length=40, required=False)
    hired_with_convictions = forms.ChoiceField(
        label="Have they hired people with convictions before?",
        choices=Employer._meta.get_field("hired_with_convictions").choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they have hired people with convictions"},
    )

    def __init__(self, *args, employer: Employer | None = None, **kwargs):
        if employer is not None:
            kwargs.setdefault("button", "Save changes")
        super().__init__(*args, **kwargs)
        self.employer = employer

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Employer.objects.filter(name__iexact=name)
        if self.employer is not None:
            others = others.exclude(pk=self.employer.pk)
        if others.exists():
            raise forms.ValidationError("An employer with this name already exists")
        return name


class OpportunityForm(GdsForm):
    button = "Add opportunity"
    radios = ("kind",)
    role = _required(forms.CharField(label="Role", max_length=150), "Enter the role")
    kind = forms.ChoiceField(
        label="Type",
        choices=Opportunity._meta.get_field("kind").choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of opportunity"},
    )
    location = _required(forms.CharField(label="Location", max_length=120), "Enter the location")
    closing_on = _date("Closing date", required=False)
    restrictions = forms.CharField(
        label="Restrictions (optional)",
        help_text="For example offences the employer cannot consider, or licence conditions.",
        widget=forms.Textarea,
        required=False,
    )


class OpportunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Opportunity) -> str:
        return f"{obj.role} at {obj.employer.name} ({obj.get_kind_display().lower()})"


class ApplicationForm(GdsForm):
    button = "Add application"
    opportunity = OpportunityChoiceField(
        label="Opportunity",
        queryset=Opportunity.objects.none(),
        empty_label="Choose an opportunity",
        error_messages={"required": "Choose an opportunity"},
    )
    introduced_on = _date("Date introduced")
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, learner, opportunities, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.fields["opportunity"].queryset = opportunities

    def clean_opportunity(self):
        opportunity = self.cleaned_data["opportunity"]
        if self.learner.applications.filter(opportunity=opportunity).exists():
            raise forms.ValidationError("This learner already has an application for this role")
        return opportunity

    def clean_introduced_on(self):
        return _not_future(self.cleaned_data["introduced_on"], "date introduced")


class ApplicationMoveForm(GdsForm):
    button = "Move application"
    radios = ("status",)
    status = forms.ChoiceField(
        label="New stage",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new stage"},
    )
    on = _date("Date")

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["status"].choices = application.next_statuses

    def clean_on(self):
        value = _not_future(self.cleaned_data["on"], "date")
        if value < self.application.introduced_on:
            raise forms.ValidationError("The date must be on or after the date introduced")
        return value


class ApplicationEditForm(GdsForm):
    """Notes, and the stage along the allowed moves (closing has its own page)."""

    button = "Save changes"
    radios = ("status",)
    status = forms.ChoiceField(
        label="Stage",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the stage"},
    )
    on = _date(
        "Date of the new stage",
        required=False,
        help_text="Needed only when the stage changes.",
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["status"].choices = [
            (application.status, f"{application.get_status_display()} (no change)"),
            *application.forward_statuses,
        ]

    def clean_on(self):
        value = _not_future(self.cleaned_data["on"], "date of the new stage")
        if value and value < self.application.introduced_on:
            raise forms.ValidationError("The date must be on or after the date introduced")
        return value

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        moved = status and status != self.application.status
        if moved and not cleaned.get("on") and "on" not in self.errors:
            self.add_error("on", "Enter the date of the new stage")
        return cleaned


class ApplicationCloseForm(GdsForm):
    button = "Close application"
    radios = ("status",)
    status = forms.ChoiceField(
        label="How did it end?",
        widget=forms.RadioSelect,
        choices=[
            (ApplicationStatus.UNSUCCESSFUL, "Unsuccessful: the employer said no"),
            (ApplicationStatus.WITHDRAWN, "Withdrawn: the learner or Code4000 stopped it"),
        ],
        error_messages={"required": "Select how the application ended"},
    )
    on = _date("Date closed")
    reason = forms.CharField(
        label="What happened (optional)", max_length=300, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    def clean_on(self):
        value = _not_future(self.cleaned_data["on"], "date closed")
        if value < self.application.introduced_on:
            raise forms.ValidationError("The date closed must be on or after the date introduced")
        return value


class ApplicationReopenForm(GdsForm):
    button = "Reopen application"
    reason = _required(
        forms.CharField(label="Why is it reopened?", max_length=300, widget=forms.Textarea),
        "Enter why the application is reopened",
    )


class MentorForm(GdsForm):
    button = "Add mentor"
    name = _required(forms.CharField(label="Name", max_length=120), "Enter the mentor's name")
    organisation = forms.CharField(label="Organisation (optional)", max_length=150, required=False)
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format"},
    )
    skills = _required(forms.CharField(label="Skills", max_length=300), "Enter the mentor's skills")
    availability = forms.CharField(label="Availability (optional)", max_length=200, required=False)


class MentorMatchForm(GdsForm):
    button = "Match mentor"
    mentor = forms.ModelChoiceField(
        label="Mentor",
        queryset=Mentor.objects.filter(paused_on__isnull=True),
        empty_label="Choose a mentor",
        help_text="Paused mentors are not listed.",
        error_messages={
            "required": "Choose a mentor",
            "invalid_choice": "Choose a mentor who is taking new matches",
        },
    )
    started_on = _date("Start date")
    ended_on = _date("End date", required=False)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)
    non_graduate_reason = forms.CharField(
        label="Why match a learner who has not graduated?",
        help_text="Mentors are matched with graduates. Only needed when this learner has "
        "not graduated.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, learner, **kwargs):
        self.learner = learner
        super().__init__(*args, **kwargs)

    def adjust_fields(self) -> None:
        if self.learner.course_status == CourseStatus.GRADUATED:
            del self.fields["non_graduate_reason"]

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "The end date must be on or after the start date")
        if "non_graduate_reason" in self.fields:
            reason = (data.get("non_graduate_reason") or "").strip()
            if not reason:
                self.add_error(
                    "non_graduate_reason",
                    f"{self.learner.display_name} has not graduated: give the reason for "
                    "matching them with a mentor",
                )
            data["non_graduate_reason"] = reason
        return data


class MentorMatchEndForm(GdsForm):
    button = "End the match"
    ended_on = _date("End date")

    def __init__(self, *args, started_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    def clean_ended_on(self):
        value = self.cleaned_data["ended_on"]
        if value < self.started_on:
            raise forms.ValidationError("The end date must be on or after the start date")
        return value


class OpportunityReopenForm(GdsForm):
    button = "Reopen opportunity"
    closing_on = _date(
        "New closing date",
        required=False,
        help_text="Leave empty if it stays open until you close it.",
    )

    def clean_closing_on(self):
        value = self.cleaned_data["closing_on"]
        if value and value < timezone.localdate():
            raise forms.ValidationError("The new closing date must be today or later")
        return value


class ConfirmForm(GdsForm):
    """A yes-or-no action: nothing to fill in, one button (pass `button=`)."""
