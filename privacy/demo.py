"""Demo data for data protection: one erasure asked for by the demo director,
waiting for the administrator to approve or decline it."""

from accounts.models import Role
from privacy.models import ErasureBasis, ErasureRequest, ErasureStatus


def seed(world, *, size: int, log) -> None:
    if not world.learners or ErasureRequest.objects.exists():
        return
    director = world.first_of(Role.DIRECTOR)
    learner = world.learners[-1]
    ErasureRequest.objects.create(
        learner=learner,
        basis=ErasureBasis.ERROR,
        reason="Enrolled twice by mistake: this record duplicates the learner's other one.",
        requested_by=director,
        status=ErasureStatus.PENDING,
    )
    log(f"Erasure request for learner {learner.pk}, for the administrator to decide.")
