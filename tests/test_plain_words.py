"""Plain words on every page (issue 17, item 7): no raw status or choice value,
no `snake_case` code and no `app_label.model` name reaches the text a user reads,
and no page title or main heading ends in a bare database id such as "(190)".

Every kind of user opens every page the route matrix says they may GET
(tests/routes) and every page linked from those, as the marker crawl does, so a
page added later is checked without a change here. A failure names the user, the
page and the text found."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from learners.timeline import timeline_record
from tests.clients import StaffClient
from tests.routes import SIGNED_IN, Who, all_routes

MAX_URLS_PER_USER = 400
SUFFIX = " \N{EN DASH} Learner Journey \N{EN DASH} Code4000"
SKIP_PREFIXES = ("/static/", "/admin/", "/accounts/sign-out/")
HREF = re.compile(r"""href\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)
# Elements whose content a reader never sees as copy, and <code>: a name the user
# must type as it is (an import file's column names).
INVISIBLE = {"script", "style", "template", "noscript", "svg", "code"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

SNAKE_CASE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
# A dotted code such as "learner.view" or "auth.sign_in" (not an email address,
# a web address or a file name).
DOTTED_CODE = re.compile(r"(?<![\w@./:-])[a-z][a-z_]*(?:\.[a-z][a-z_]*)+(?![\w@/-])")
NOT_CODES = re.compile(r"\.(?:org|com|net|uk|gov|io|example|pdf|csv|json|txt|html|local)$")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Numbers that are plainly not ids: a date ("2 December 2026"), a year, a count
# followed by its noun is allowed; an id in brackets, after "#" or "id" is not.
BRACKETED_ID = re.compile(r"\(\s*#?\d+\s*\)|#\d+\b|\bid\s*:?\s*\d+\b", re.IGNORECASE)
DATE_PART = re.compile(rf"\b\d{{1,2}} (?:{MONTHS})\b|\b(?:{MONTHS}) \d{{4}}\b|\b\d{{4}}\b")


def _project_apps() -> list:
    return [config for config in apps.get_app_configs() if config.path.startswith(_root())]


def _root() -> str:
    from django.conf import settings

    return str(settings.BASE_DIR)


def _subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def raw_choice_values() -> dict[str, str]:
    """Every choice value of a project TextChoices that is a code rather than a
    word (it has "_" or "." in it, or differs from its label other than by the
    first letter's case, e.g. "omu" for "OMU"), mapped to what it stands for."""
    modules = tuple(f"{config.name}." for config in _project_apps())
    raw: dict[str, str] = {}
    for choices in _subclasses(models.TextChoices):
        if not choices.__module__.startswith(modules):
            continue
        for value, label in choices.choices:
            value, label = str(value), str(label)
            if value == label or not value:
                continue
            coded = "_" in value or "." in value
            miscased = value.lower() in label.lower().split() and value not in label.split()
            first_letter_only = any(word == value.capitalize() for word in label.split())
            if coded or (miscased and not first_letter_only):
                raw[value] = f"{choices.__module__}.{choices.__name__} ({label})"
    return raw


def model_labels() -> set[str]:
    return {model._meta.label_lower for model in apps.get_models()} | {
        model._meta.label for model in apps.get_models()
    }


class _Page(HTMLParser):
    """The visible text of a page, its <title> and its h1 headings."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.hidden_depth = 0
        self.text: list[str] = []
        self.title = ""
        self.h1: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag in INVISIBLE or (tag == "div" and ("hidden", None) in attrs):
            self.hidden_depth += 1
        if tag == "h1":
            self.h1.append("")

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag in INVISIBLE:
                self.hidden_depth -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.hidden_depth:
            return
        if "title" in self.stack:
            self.title += data
            return
        if "h1" in self.stack and self.h1:
            self.h1[-1] += data
        self.text.append(data)


@dataclass
class Finding:
    who: str
    url: str
    problem: str

    def __str__(self) -> str:
        return f"{self.who} at {self.url}: {self.problem}"


@dataclass
class Checks:
    raw_values: dict[str, str] = field(default_factory=raw_choice_values)
    labels: set[str] = field(default_factory=model_labels)

    def copy_problems(self, text: str) -> list[str]:
        codes = set(SNAKE_CASE.findall(text)) | {
            code for code in DOTTED_CODE.findall(text) if not NOT_CODES.search(code)
        }
        problems = [
            f"shows the code {token!r} in {_around(text, token)!r}" for token in sorted(codes)
        ]
        for value, stands_for in self.raw_values.items():
            if "_" in value or "." in value:
                continue  # reported above as a code
            if re.search(rf"(?<![\w@.-]){re.escape(value)}(?![\w@-])", text):
                problems.append(
                    f"shows the raw value {value!r} of {stands_for} in {_around(text, value)!r}"
                )
        problems.extend(
            f"shows the model name {label!r} in {_around(text, label)!r}"
            for label in sorted(self.labels)
            if re.search(rf"(?<![\w@.-]){re.escape(label)}(?![\w@-])", text)
        )
        return problems

    def heading_problems(self, title: str, h1s: list[str], url: str) -> list[str]:
        problems = []
        ids = set(re.findall(r"/(\d+)(?=/|$)", url.split("?")[0]))
        for where, heading in [("<title>", title), *(("h1", h) for h in h1s)]:
            heading = " ".join(heading.split())
            if BRACKETED_ID.search(heading):
                problems.append(f"{where} {heading!r} carries a database id")
                continue
            plain = DATE_PART.sub("", heading)
            # A number joined to a word ("1-month follow-up") is a measure, not an id.
            numbers = re.findall(r"(?<![\w-])\d+(?![\w-])", plain)
            shown = {number for number in numbers if number in ids}
            if shown:
                problems.append(f"{where} {heading!r} shows the id {', '.join(sorted(shown))}")
        return problems


def _around(text: str, token: str) -> str:
    at = text.find(token)
    return " ".join(text[max(0, at - 40) : at + len(token) + 40].split())


def check_page(checks: Checks, who: str, url: str, html: str) -> list[Finding]:
    page = _Page()
    page.feed(html)
    text = " ".join(" ".join(page.text).split())
    problems = checks.copy_problems(text) + checks.heading_problems(page.title, page.h1, url)
    return [Finding(who, url, problem) for problem in problems]


def crawl(client, who: str, start: list[str], checks: Checks) -> tuple[int, list[Finding]]:
    queue, seen, findings, fetched = deque(start), set(start), [], 0
    while queue and fetched < MAX_URLS_PER_USER:
        url = queue.popleft()
        response = client.get(url)
        fetched += 1
        assert response.status_code < 500, f"{who} at {url}: {response.status_code}"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode("utf-8", "replace")
        findings.extend(check_page(checks, who, url, html))
        for href in HREF.findall(html):
            target, _ = urldefrag(urljoin(url, href.replace("&amp;", "&")))
            if not target.startswith("/") or target.startswith(("//", *SKIP_PREFIXES)):
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return fetched, findings


@pytest.mark.django_db
def test_no_page_shows_raw_values_codes_or_ids(world):
    timeline_record(learner=world.learner, kind="details", summary="Details changed")
    checks = Checks()
    findings: list[Finding] = []
    for who in SIGNED_IN:
        start = [
            reverse(route.name, kwargs=route.kwargs(world)) + route.query
            for route in all_routes()
            if route.get[who] == 200 and not route.name.startswith("admin:")
        ]
        client = StaffClient()
        client.force_login(world.users[who])
        fetched, found = crawl(client, str(who), start, checks)
        assert fetched >= len(start)
        findings.extend(found)
    anonymous = [
        reverse(route.name, kwargs=route.kwargs(world)) + route.query
        for route in all_routes()
        if route.get[Who.ANONYMOUS] == 200
    ]
    findings.extend(crawl(StaffClient(), str(Who.ANONYMOUS), anonymous, checks)[1])
    report = sorted({str(finding) for finding in findings})
    assert report == [], f"{len(report)} plain-words problems:\n" + "\n".join(report)


# The checks can fail: each kind of problem is caught on a made-up page.


def test_the_checks_catch_a_raw_choice_value_a_code_and_a_model_name():
    checks = Checks()
    page = (
        f"<html><head><title>Ok{SUFFIX}</title></head><body>"
        "<h1>Changes</h1><p>Custody status from in_custody to released.</p>"
        "<p>Record learners.learner changed.</p><p>Action learner.view by a@b.example.org</p>"
        "<p>auth.sign_in</p>"
        "<script>var not_copy = 1;</script></body></html>"
    )
    problems = [f.problem for f in check_page(checks, "tutor", "/learners/3/", page)]
    assert any("'in_custody'" in problem for problem in problems), problems
    assert any("'learners.learner'" in problem for problem in problems), problems
    assert any("'auth.sign_in'" in problem or "'sign_in'" in problem for problem in problems)
    assert any("'learner.view'" in problem for problem in problems), problems
    codes = [code for problem in problems for code in re.findall(r"code '([^']+)'", problem)]
    assert not any("example" in code for code in codes), codes
    assert not any("not_copy" in problem for problem in problems), problems


def test_the_checks_know_the_project_choice_codes():
    raw = raw_choice_values()
    assert "in_custody" in raw  # CustodyStatus.IN_CUSTODY, "In custody"
    assert all("_" in value or "." in value or value.lower() != value.upper() for value in raw)


def test_the_checks_catch_an_id_in_a_title_or_heading():
    checks = Checks()
    page = (
        f"<html><head><title>Partner report (190){SUFFIX}</title></head>"
        "<body><h1>Review 42</h1></body></html>"
    )
    problems = [f.problem for f in check_page(checks, "director", "/reviews/42/", page)]
    assert any("(190)" in problem for problem in problems), problems
    assert any("shows the id 42" in problem for problem in problems), problems


def test_the_checks_let_dates_and_prison_numbers_be():
    checks = Checks()
    page = (
        f"<html><head><title>Review on 2 December 2026{SUFFIX}</title>"
        "</head><body><h1>A1234BC: review of 2 December 2026</h1><p>12 learners</p>"
        "<h1>1-month follow-up</h1><p>Columns: <code>first_name</code></p></body></html>"
    )
    assert check_page(checks, "tutor", "/learners/2/reviews/12/", page) == []


def test_a_label_inside_a_sentence_keeps_its_acronyms():
    from code4000.plain_words import in_sentence

    assert in_sentence("Finance and ID") == "finance and ID"
    assert in_sentence("Share the resettlement plan with the prison's OMU") == (
        "share the resettlement plan with the prison's OMU"
    )
    assert in_sentence("In custody") == "in custody"
