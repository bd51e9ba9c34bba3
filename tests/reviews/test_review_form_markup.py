"""The review form is written out in GOV.UK markup (not crispy-forms, issue 15): every
field keeps its label, its saved answer and, on a mistake, an error the summary links to."""

import re

import pytest
from django.urls import reverse

from reviews import services
from reviews.forms import ReviewForm
from reviews.models import Skill

pytestmark = pytest.mark.django_db


def ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_every_field_is_labelled_and_shows_the_saved_draft(client, tutor, active_learner):
    review = services.review_start(actor=tutor, learner=active_learner)
    review.progress = "Half way <through> CSS"
    review.rag = "amber"
    review.save()
    client.force_login(tutor)
    url = reverse("reviews:review_edit", args=[active_learner.pk, review.pk])
    html = client.get(url).content.decode()

    form = ReviewForm()
    for name, field in form.fields.items():
        if name == "version":
            continue
        assert f"{field.label}</" in html.replace("&#x27;", "'"), name
        if name.startswith("skill_") or name in ("attendance", "rag"):
            assert f'for="id_{name}_1"' in html and f'id="id_{name}_1"' in html
        elif name == "held_on":
            # The GOV.UK date input: a legend names the day, month and year boxes.
            assert f'<legend class="govuk-fieldset__legend">{field.label}</legend>' in html
            assert f'id="id_{name}_0"' in html
        else:
            assert f'<label for="id_{name}" class="govuk-label">' in html
    assert "Half way &lt;through&gt; CSS</textarea>" in html
    assert re.search(r'id="id_rag_2" value="amber" checked', html)
    form_html = html.split('<form method="post" novalidate>')[1].split("</form>")[0]
    assert form_html.count('name="csrfmiddlewaretoken"') == 1


def test_a_mistake_links_each_error_to_its_field(client, tutor, active_learner):
    review = services.review_start(actor=tutor, learner=active_learner)
    client.force_login(tutor)
    url = reverse("reviews:review_edit", args=[active_learner.pk, review.pk])
    response = client.post(url, {"version": 1, "complete": "Complete review", "rag": "red"})
    assert response.status_code == 400
    html = response.content.decode()
    links = re.findall(r'<li><a href="#([^"]+)">', html)
    assert len(links) == 4 + len(Skill)  # date, progress, attendance, reason, every skill
    assert set(links) <= ids(html)
    assert 'id="id_progress_1_error"' in html
    assert 'aria-describedby="id_progress_1_error" aria-invalid="true"' in html
    assert 'id="id_rag_3" value="red" checked' in html
