"""Records anonymised before this change kept a valid-format prison number (such
as Z0067AA), which refused a real learner who had that number. Give each one a
number no real learner can have: 'X-' and the id in base 36, as
privacy.services._pseudonymous_prison_number now does (copied here, as it was
when this ran)."""

import re

from django.db import migrations

VALID = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _impossible_number(pk: int) -> str:
    digits = ""
    while pk:
        pk, digit = divmod(pk, 36)
        digits = BASE36[digit] + digits
    return f"X-{digits:0>5}"


def forwards(apps, schema_editor):
    Learner = apps.get_model("learners", "Learner")
    anonymised = Learner._base_manager.filter(anonymised_at__isnull=False)
    for pk, number in anonymised.values_list("pk", "prison_number").iterator():
        if VALID.match(number):
            Learner._base_manager.filter(pk=pk).update(prison_number=_impossible_number(pk))


class Migration(migrations.Migration):
    dependencies = [("learners", "0006_date_of_birth_index")]

    # Not reversed: the old numbers could belong to real learners enrolled since.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
