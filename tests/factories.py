"""Rows for tests. Complex state is made through services, not here."""

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Prison, Region, Role, User
from learners.models import Consent, ConsentKind, CourseStatus, Learner

TEST_PASSWORD = "correct-horse-battery-staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Region {n}")


class PrisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prison

    code = factory.Sequence(lambda n: "P" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    name = factory.Sequence(lambda n: f"HMP Testing {n}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.TUTOR
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def prisons(self, create, extracted, **kwargs):
        self.save()
        if create and extracted:
            self.prisons.set(extracted)


def _prison_number(n: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{letters[n % 24]}{n % 10000:04d}{letters[(n // 24) % 24]}{letters[(n // 576) % 24]}"


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    prison_number = factory.Sequence(_prison_number)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(1990, 5, 17)
    prison = factory.SubFactory(PrisonFactory)
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    expected_release_on = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=400)
    )
    course_status = CourseStatus.ACTIVE


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    learner = factory.SubFactory(LearnerFactory)
    kind = ConsentKind.SHARE_WITH_OMU
    given_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
