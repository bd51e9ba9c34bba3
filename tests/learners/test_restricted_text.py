"""The one way restricted text reaches a page (issue 13 item 14): shown only to
roles that see restricted notes, always marked to be left out of print."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from accounts.models import Role

pytestmark = pytest.mark.django_db

TEMPLATE = Template(
    '{% load restricted %}{% restricted_text note label="Restricted" block=True %}'
    "|{% restricted_text note %}|{{ flag|restricted_row }}"
)


def _render(user, note="In recovery\nweekly", flag=True) -> str:
    request = RequestFactory().get("/")
    if user is not None:
        request.user = user
    return TEMPLATE.render(Context({"request": request, "note": note, "flag": flag}))


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.REGIONAL_MANAGER, True),
        (Role.DIRECTOR, True),
        (Role.ADMINISTRATOR, True),
        (Role.TUTOR, False),
        (Role.OMU, False),
    ],
)
def test_restricted_text_is_shown_only_to_roles_that_see_it(make_user, prison, role, shown):
    html = _render(make_user(role, [prison]))
    assert ("In recovery<br>weekly" in html) is shown
    if shown:
        block, inline, _row = html.split("|")
        assert 'class="govuk-inset-text lj-restricted lj-no-print"' in block
        assert "<strong>Restricted:</strong>" in block
        assert 'class="lj-restricted lj-no-print"' in inline
    assert html.endswith("|lj-no-print")


def test_nothing_without_a_request_or_text(tutor, regional_manager):
    assert _render(None) == "||lj-no-print"
    assert _render(regional_manager, note="", flag=False) == "||"
    html = _render(regional_manager, note="<script>x</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html
