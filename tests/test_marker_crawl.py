"""The marker crawl: plant marker text in another prison's learner records and in
restricted records, sign in as each kind of user, crawl every page, CSV, JSON and
PDF they can reach (every route they may GET, from tests/routes, and every link
found on the way), and fail if a marker appears where that user may not see it.

Pages, records and restricted fields added later are covered without a change
here: routes come from tests/routes, records are found by walking the models
(privacy.records), every row its model's `visible_to` hides (learners.restricted)
gets restricted markers, and
a module in tests/routes may define `plant_restricted(world, tag) -> list[str]`
to mark other restricted fields (e.g. health notes kept on a record)."""

import io
import re
from collections import deque
from urllib.parse import urldefrag, urljoin

import pytest
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from learners.models import Learner
from learners.restricted import RestrictedQuerySet
from learners.timeline import timeline_record
from privacy.records import records_held_on, text_fields
from reviews.models import RESTRICTED_INTERVENTION_KINDS, Intervention, ReviewStatus
from tests.clients import StaffClient
from tests.markers import plant_markers
from tests.routes import Who, all_routes, route_modules

MAX_URLS_PER_USER = 400
SKIP_PREFIXES = ("/static/", "/admin/", "/accounts/sign-out/")
HREF = re.compile(r"""href\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)


def _is_restricted_row(row) -> bool:
    """A row its model's `visible_to` hides from roles without restricted access
    (learners.restricted): the one definition pages and this crawl share."""
    queryset = type(row)._default_manager.all()
    if not isinstance(queryset, RestrictedQuerySet):
        return False
    return queryset.filter(queryset.restricted_rows(), pk=row.pk).exists()


def _plant_restricted(world, learners, tag: str) -> list[str]:
    """Markers in every restricted row held on `learners`, and through the hooks."""
    planted: list[str] = []
    rows = [row for learner in learners for row in records_held_on(learner).rows]
    for row in rows:
        if not _is_restricted_row(row):
            continue
        changes = {}
        for model_field in text_fields(type(row)):
            if isinstance(model_field, models.CharField | models.TextField):
                value = f"{tag}{len(planted) + 1:03d}"
                if model_field.max_length is None or len(value) <= model_field.max_length:
                    changes[model_field.attname] = value
                    planted.append(value)
        type(row)._base_manager.filter(pk=row.pk).update(**changes)
    for module in route_modules():
        hook = getattr(module, "plant_restricted", None)
        if hook is not None:
            planted.extend(hook(world, f"{tag}{module.__name__.rsplit('.', 1)[-1]}"))
    return planted


def _text_of(response) -> tuple[str, bool]:
    """The response as text, and whether it is HTML (to follow its links)."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in kind:
        return "\n".join(
            page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages
        ), False
    return body.decode("utf-8", "replace"), "html" in kind


def _crawl(
    client: StaffClient, start: list[str], forbidden: dict[str, str]
) -> tuple[int, list[str]]:
    queue, seen, leaks = deque(start), set(start), []
    fetched = 0
    while queue and fetched < MAX_URLS_PER_USER:
        url = queue.popleft()
        response = client.get(url)
        fetched += 1
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if response.status_code != 200:
            continue
        text, is_html = _text_of(response)
        lowered = text.lower()
        leaks.extend(
            f"{url} shows {kind} marker {marker}"
            for marker, kind in forbidden.items()
            if marker.lower() in lowered
        )
        if not is_html:
            continue
        for href in HREF.findall(text):
            target, _ = urldefrag(urljoin(url, href.replace("&amp;", "&")))
            if not target.startswith("/") or target.startswith(("//", *SKIP_PREFIXES)):
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return fetched, leaks


@pytest.mark.django_db
def test_no_page_shows_a_user_what_they_may_not_see(world):
    # Records to carry markers, beyond what each app's build(world) made.
    timeline_record(learner=world.learner, kind="details", summary="plain")
    timeline_record(learner=world.learner, kind="intervention", summary="r", restricted=True)
    timeline_record(learner=world.other_learner, kind="details", summary="plain")
    home = plant_markers(world.learner, "Zqhome", prison_number="Z1111HM")
    other = plant_markers(world.other_learner, "Zqother", prison_number="Z2222OT")
    home_prison = Learner.objects.filter(prison=world.prison).order_by("pk")
    restricted = _plant_restricted(world, home_prison, "Zqrestr")
    assert restricted, "no restricted record was planted"
    # Restricted records hang on every kind of parent that lists them (issue 13).
    planted_kinds = {
        type(row).__name__
        for learner in home_prison
        for row in records_held_on(learner).rows
        if _is_restricted_row(row)
    }
    assert {"Intervention", "TimelineEvent", "IntakeRestricted", "PlanShareLog"} <= planted_kinds
    assert Intervention.objects.filter(
        review__status=ReviewStatus.DRAFT, kind__in=RESTRICTED_INTERVENTION_KINDS
    ).exists()
    assert Intervention.objects.filter(
        review__status=ReviewStatus.COMPLETE, kind__in=RESTRICTED_INTERVENTION_KINDS
    ).exists()
    # Restricted markers overwrote some home markers: keep only those still held.
    markers = {"another prison's learner": other, "restricted": restricted, "home": home}

    may_not_see = {
        Who.TUTOR: ("another prison's learner", "restricted"),
        Who.RM: ("another prison's learner",),
        Who.OMU: ("another prison's learner", "restricted"),
        Who.OTHER_PRISON: ("home", "restricted"),
    }
    report = []
    for who, kinds in may_not_see.items():
        forbidden = {marker: kind for kind in kinds for marker in markers[kind]}
        start = [
            reverse(route.name, kwargs=route.kwargs(world)) + route.query
            for route in all_routes()
            if route.get[who] == 200 and not route.name.startswith("admin:")
        ]
        client = StaffClient()
        client.force_login(world.users[who])
        fetched, leaks = _crawl(client, start, forbidden)
        assert fetched >= len(start)
        report.extend(f"{who}: {leak}" for leak in leaks)
    assert report == [], "\n".join(report)


@pytest.mark.django_db
def test_the_crawl_finds_a_planted_marker_where_it_is_allowed(world):
    """The crawl can fail: a director, who may see everything, meets the markers."""
    timeline_record(learner=world.other_learner, kind="details", summary="plain")
    other = plant_markers(world.other_learner, "Zqother", prison_number="Z2222OT")
    client = StaffClient()
    client.force_login(world.users[Who.DIRECTOR])
    start = [reverse("privacy:subject_access", args=[world.other_learner.pk])]
    _, leaks = _crawl(client, start, dict.fromkeys(other, "test"))
    assert leaks


@pytest.mark.django_db
def test_a_learners_own_pages_show_nothing_restricted_nothing_of_others_and_no_staff(world):
    """Issue 18: the pages a released learner opens from their link (and everything
    they link to) show their own record only: no restricted record, nobody else's,
    and no member of staff."""
    from django.utils import timezone

    from learners.models import ConsentKind
    from resettlement import services as resettlement_services
    from tests.factories import ConsentFactory
    from tests.resettlement.self_report_world import sent_link

    timeline_record(learner=world.learner, kind="details", summary="plain")
    timeline_record(learner=world.learner, kind="intervention", summary="r", restricted=True)
    timeline_record(learner=world.other_learner, kind="details", summary="plain")
    ConsentFactory(learner=world.learner, kind=ConsentKind.CONTACT_AFTER_RELEASE)
    resettlement_services.release_record(
        actor=world.users[Who.RM],
        learner=world.learner,
        released_on=timezone.localdate().replace(day=1),
        release_type="licence",
        area="Hull",
        contact_email="learner@example.org",
    )
    plant_markers(world.learner, "Zqhome", prison_number="Z1111HM")
    other = plant_markers(world.other_learner, "Zqother", prison_number="Z2222OT")
    restricted = _plant_restricted(
        world, Learner.objects.filter(prison=world.prison).order_by("pk"), "Zqrestr"
    )
    assert restricted
    _link, token = sent_link(world.learner)
    world.learner.refresh_from_db()
    birth = world.learner.date_of_birth
    client = StaffClient()
    response = client.post(
        reverse("own:start", kwargs={"token": token}),
        {"day": birth.day, "month": birth.month, "year": birth.year},
    )
    assert response.status_code == 302
    staff = {user.full_name: "staff" for user in world.users.values()}
    forbidden = {
        **dict.fromkeys(other, "another learner's"),
        **dict.fromkeys(restricted, "restricted"),
        **staff,
    }
    start = [reverse(name) for name in ("own:report", "own:progress", "own:progress_pdf")]
    fetched, leaks = _crawl(client, start, forbidden)
    assert fetched >= len(start)
    assert leaks == []
