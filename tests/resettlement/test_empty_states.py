"""A table with no rows says what to do instead of showing bare headings
(issue 17, item 7)."""

import pytest
from django.urls import reverse

from resettlement.models import FollowUp

pytestmark = pytest.mark.django_db


def test_a_release_with_no_follow_ups_says_so_and_what_to_do(client, regional_manager, released):
    FollowUp.objects.filter(learner=released).delete()
    client.force_login(regional_manager)
    html = client.get(
        reverse("resettlement:release_overview", kwargs={"pk": released.pk})
    ).content.decode()
    table = html.split('data-testid="follow-ups"', 1)[1].split("</table>", 1)[0]
    assert "No outcome follow-ups are scheduled for this release" in table
