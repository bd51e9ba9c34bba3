"""Demo configuration: a prison that has closed (it keeps its history and takes
no new learners), so the Prisons page shows both kinds. Runs after every other
step, so no demo learner is enrolled there."""

from accounts.models import Prison, Region


def seed(world, *, size: int, log) -> None:
    region = Region.objects.get(name="Yorkshire and the Humber")
    Prison.objects.get_or_create(
        code="WDI", defaults={"name": "HMP Wakefield", "region": region, "is_active": False}
    )
    log("Configuration: HMP Wakefield added as a closed prison.")
