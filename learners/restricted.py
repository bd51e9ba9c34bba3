"""Restricted rows: health, recovery and offending-behaviour records that only roles
with `Capability.VIEW_RESTRICTED` may see.

Every model with such rows gets its queryset from `RestrictedQuerySet` and says,
once, which of its rows are restricted (`restricted_rows()`). Every selector that
reads the model calls `visible_to(access)`, so a list shown inside another page
(a draft review's interventions, say) cannot forget the filter: there is no other
spelling of it. `tests/test_restricted_rows.py` checks that each such model keeps
the queryset and that the filter hides what it should.

Restricted *text* on an otherwise ordinary row (a support contact's restricted
note, a health pause's reason) is shown only through the `{% restricted_text %}`
tag (learners/templatetags/restricted.py), which checks the same capability and
hides the text in print."""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q

from accounts.access import Access


class RestrictedQuerySet(models.QuerySet):
    """A queryset whose model has rows some roles may not see."""

    def restricted_rows(self) -> Q:
        """The rows only roles that see restricted notes may read."""
        raise NotImplementedError(f"{self.model.__name__} must say which rows are restricted")

    def visible_to(self, access: Access) -> Self:
        """The rows `access` may see: all of them for roles that see restricted
        notes, the unrestricted ones for everyone else."""
        if not isinstance(access, Access):
            raise TypeError("visible_to() takes an Access (accounts.access.access_for(user))")
        if access.sees_restricted:
            return self
        return self.exclude(self.restricted_rows())


class WhollyRestrictedQuerySet(RestrictedQuerySet):
    """Every row is restricted (restricted intake answers, the OMU share log)."""

    def restricted_rows(self) -> Q:
        return Q(pk__isnull=False)
