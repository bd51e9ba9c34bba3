"""Rows for the reviews tests. Complex state is made through the services."""

import factory

from reviews.models import Level, Module, Track


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    name = factory.Sequence(lambda n: f"Track {n}")
    order = factory.Sequence(int)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    track = factory.SubFactory(TrackFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    order = factory.Sequence(int)
    level = Level.FOUNDATION
    required_for_graduation = True
