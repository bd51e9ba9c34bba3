"""Forms for the configuration pages: they validate and clean; the services write."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from accounts.access import ROLES_SEEING_EVERY_PRISON
from accounts.models import Prison, Region, Role, User
from configuration.selectors import STAFF_STATUSES


class GdsForm(forms.Form):
    """A form laid out field by field with one submit button."""

    button = "Save"
    radios: tuple[str, ...] = ()
    checkboxes: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


class PrisonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Prison) -> str:
        return f"{obj.name} ({obj.code})"


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role"},
    )


def _prisons_field() -> PrisonChoices:
    return PrisonChoices(
        label="Prisons",
        queryset=Prison.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The prisons whose learners they work with. Directors and "
        "administrators see every prison.",
        error_messages={"invalid_choice": "Choose open prisons from the list"},
    )


class StaffRoleAndPrisonsMixin:
    def clean(self):
        data = super().clean()
        role, prisons = data.get("role"), data.get("prisons")
        if role in ROLES_SEEING_EVERY_PRISON:
            data["prisons"] = Prison.objects.none()
        elif role and not prisons:
            label = Role(role).label
            self.add_error("prisons", f"Choose at least one prison for a {label.lower()}")
        return data


class StaffInviteForm(StaffRoleAndPrisonsMixin, GdsForm):
    button = "Send invitation"
    radios = ("role",)
    checkboxes = ("prisons",)
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Their work email address. The invitation goes here and they sign in with it.",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = _role_field()
    prisons = _prisons_field()

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the person's full name")
        return name

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("There is already an account with this email address")
        return email


class StaffEditForm(StaffRoleAndPrisonsMixin, GdsForm):
    button = "Save changes"
    radios = ("role",)
    checkboxes = ("prisons",)
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
    )
    role = _role_field()
    prisons = _prisons_field()

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {"full_name": user.full_name, "role": user.role, "prisons": list(user.prisons.all())},
        )
        super().__init__(*args, **kwargs)
        # A closed prison the person already covers stays listed, so saving the
        # form does not silently take it away.
        self.fields["prisons"].queryset = Prison.objects.filter(
            pk__in=[p.pk for p in user.prisons.all()]
        ) | Prison.objects.filter(is_active=True)
        self.fields["prisons"].queryset = (
            self.fields["prisons"].queryset.distinct().order_by("name")
        )

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the person's full name")
        return name


class StaffFilterForm(forms.Form):
    """The list's search and filters (GET): never an error, unknown values ignored."""

    q = forms.CharField(label="Name or email", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *Role.choices]
    )
    prison = forms.ModelChoiceField(
        label="Prison",
        required=False,
        queryset=Prison.objects.order_by("name"),
        empty_label="Any prison",
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *STAFF_STATUSES.items()],
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "role": data.get("role") or "",
            "prison": data.get("prison"),
            "status": data.get("status") or "",
        }


class PrisonAddForm(GdsForm):
    button = "Add prison"
    code = forms.CharField(
        label="Prison code",
        max_length=5,
        help_text="2 to 5 capital letters, as the prison is known to HMPPS, for example HMI.",
        error_messages={"required": "Enter the prison code"},
    )
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="For example, HMP Humber.",
        error_messages={"required": "Enter the prison's name"},
    )
    region = forms.ModelChoiceField(
        label="Region",
        queryset=Region.objects.order_by("name"),
        empty_label="Choose a region",
        error_messages={"required": "Choose the region", "invalid_choice": "Choose a region"},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not code.isalpha() or not 2 <= len(code) <= 5:
            raise forms.ValidationError("Enter a prison code of 2 to 5 letters, like HMI")
        if Prison.objects.filter(code=code).exists():
            raise forms.ValidationError("There is already a prison with this code")
        return code

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Prison.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("There is already a prison with this name")
        return name


class PrisonEditForm(GdsForm):
    button = "Save changes"
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the prison's name"}
    )
    region = forms.ModelChoiceField(
        label="Region",
        queryset=Region.objects.order_by("name"),
        empty_label="Choose a region",
        error_messages={"required": "Choose the region", "invalid_choice": "Choose a region"},
    )

    def __init__(self, *args, prison: Prison, **kwargs):
        kwargs.setdefault("initial", {"name": prison.name, "region": prison.region_id})
        super().__init__(*args, **kwargs)
        self.prison = prison

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Prison.objects.filter(name__iexact=name).exclude(pk=self.prison.pk).exists():
            raise forms.ValidationError("There is already a prison with this name")
        return name


class RegionForm(GdsForm):
    button = "Save region"
    name = forms.CharField(
        label="Name", max_length=80, error_messages={"required": "Enter the region's name"}
    )

    def __init__(self, *args, region: Region | None = None, **kwargs):
        if region is not None:
            kwargs.setdefault("initial", {"name": region.name})
        super().__init__(*args, **kwargs)
        self.region = region

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Region.objects.filter(name__iexact=name)
        if self.region is not None:
            others = others.exclude(pk=self.region.pk)
        if others.exists():
            raise forms.ValidationError("There is already a region with this name")
        return name


class ReminderTimeForm(GdsForm):
    button = "Save time"
    at = forms.TimeField(
        label="Time",
        help_text="UK time, on the 24-hour clock, for example 06:30.",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(attrs={"class": "govuk-input govuk-input--width-5"}, format="%H:%M"),
        error_messages={
            "required": "Enter the time",
            "invalid": "Enter the time on the 24-hour clock, like 06:30",
        },
    )


# Curriculum


class TrackForm(GdsForm):
    button = "Save track"
    name = forms.CharField(
        label="Name", max_length=100, error_messages={"required": "Enter the track's name"}
    )
    description = forms.CharField(
        label="Description (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    order = forms.IntegerField(
        label="Position",
        min_value=0,
        max_value=1000,
        help_text="Tracks are listed from the lowest number.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "required": "Enter the position, a whole number",
            "invalid": "Enter the position as a whole number, like 3",
            "min_value": "Enter a position of 0 or more",
            "max_value": "Enter a position of 1000 or less",
        },
    )

    def __init__(self, *args, track=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.track = track

    def clean_name(self) -> str:
        from reviews.models import Track

        name = self.cleaned_data["name"].strip()
        others = Track.objects.filter(name__iexact=name)
        if self.track is not None:
            others = others.exclude(pk=self.track.pk)
        if others.exists():
            raise forms.ValidationError("There is already a track with this name")
        return name


class ModuleForm(GdsForm):
    button = "Save module"
    radios = ("level", "required_for_graduation")
    title = forms.CharField(
        label="Title", max_length=150, error_messages={"required": "Enter the module's title"}
    )
    level = forms.ChoiceField(
        label="Level",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level"},
    )
    required_for_graduation = forms.TypedChoiceField(
        label="Is it required to graduate?",
        choices=[("yes", "Yes, every learner must complete it"), ("no", "No, it is optional")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the module is required to graduate"},
    )
    order = forms.IntegerField(
        label="Position in the track",
        min_value=0,
        max_value=1000,
        help_text="Modules are listed from the lowest number.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "required": "Enter the position, a whole number",
            "invalid": "Enter the position as a whole number, like 3",
            "min_value": "Enter a position of 0 or more",
            "max_value": "Enter a position of 1000 or less",
        },
    )
    description = forms.CharField(
        label="Description (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, track, module=None, **kwargs):
        from reviews.models import Level

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = Level.choices
        self.track = track
        self.module = module

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        others = self.track.modules.filter(title__iexact=title)
        if self.module is not None:
            others = others.exclude(pk=self.module.pk)
        if others.exists():
            raise forms.ValidationError("This track already has a module with this title")
        return title


class TutorChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        prisons = ", ".join(p.name for p in obj.prisons.all())
        return f"{obj.full_name} ({prisons})"


class HandOnForm(GdsForm):
    """Step one: who takes on the departing tutor's learners. The confirmation
    page posts the same choice again with `confirmed`."""

    button = "Continue"
    checkboxes = ("receiving",)
    receiving = TutorChoices(
        label="Tutors who take on the learners",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each learner goes to a chosen tutor at the learner's prison, shared "
        "out evenly. You see the numbers before anything changes.",
        error_messages={
            "required": "Choose at least one tutor to hand on to",
            "invalid_choice": "Choose active tutors at the same prisons",
        },
    )
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, tutors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving"].queryset = tutors
