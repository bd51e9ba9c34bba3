"""The words of a case study: the draft prefilled from a learner's record with
every identifier replaced by a general description, and the check that finds
any identifier left in the text before a director may approve it.

What counts as an identifier: the learner's names and prison number, the name of
any prison (and "HMP ..."), the name of any employer on record, an exact date
(in any of the usual written forms), and any number shaped like a prison number
or a Police National Computer (PNC) number. The check errs on the side of
flagging: a false alarm costs an author one edit; a name left in a published
story cannot be taken back.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from accounts.models import Prison
from learners.models import Learner
from reports.charts import Chart, line_chart
from resettlement.models import Employer, Outcome
from reviews.models import (
    Confidence,
    ModuleCompletion,
    Review,
    ReviewStatus,
    Skill,
    SkillRating,
)

_SMALL_NUMBERS = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
]
_TENS = {30: "thirty", 40: "forty", 50: "fifty", 60: "sixty"}


def number_in_words(number: int) -> str:
    if 0 <= number < len(_SMALL_NUMBERS):
        return _SMALL_NUMBERS[number]
    if number in _TENS:
        return _TENS[number]
    return str(number)


def duration_in_words(start: dt.date, end: dt.date) -> str:
    """ "eight months", "a year and three months", "two years": never a date."""
    months = max(0, (end.year - start.year) * 12 + end.month - start.month)
    if end.day < start.day and months:
        months -= 1
    if months < 1:
        return "a few weeks"
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append("a year" if years == 1 else f"{number_in_words(years)} years")
    if rest:
        parts.append("a month" if rest == 1 else f"{number_in_words(rest)} months")
    return " and ".join(parts)


def prison_in_general(prison: Prison) -> str:
    return f"a prison in the {prison.region.name} region"


def employer_in_general(sector: str) -> str:
    sector = sector.strip().lower()
    return f"an employer in the {sector} sector" if sector else "an employer"


# --- The identifier check ------------------------------------------------------------

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
DATE_PATTERNS = (
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _MONTHS + r")\.?,?\s+\d{4}\b", re.I),
    re.compile(r"\b(?:" + _MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b", re.I),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
)
PRISON_NUMBER_LIKE = re.compile(r"\b[A-Z]\d{4}[A-Z]{2}\b", re.I)
PNC_LIKE = re.compile(r"\b\d{2}(?:\d{2})?/\d{1,7}[A-Z]\b", re.I)
HMP_NAME = re.compile(r"\bHMP(?:\s*(?:&|and)\s*YOI)?\s+[A-Z][\w'-]+", re.I)


@dataclass(frozen=True)
class Finding:
    kind: str  # what sort of identifier, in plain words
    text: str  # the words found


def _whole_words(needle: str, text: str) -> bool:
    needle = needle.strip()
    if len(needle) < 2:
        return False
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", text, re.I) is not None


def identifier_terms(learner: Learner) -> list[tuple[str, str]]:
    """(kind, words) pairs that must not appear in a study of this learner."""
    names = (learner.first_name, learner.last_name, learner.preferred_name)
    terms = [("The learner's name", name) for name in names if name]
    terms.append(("The learner's prison number", learner.prison_number))
    pnc = getattr(learner, "pnc_number", "")
    if pnc:
        terms.append(("The learner's PNC number", pnc))
    terms.extend(
        ("A prison's name", name) for name in Prison.objects.values_list("name", flat=True)
    )
    employers = set(Employer.objects.values_list("name", flat=True))
    employers |= set(
        Outcome.objects.filter(learner=learner)
        .exclude(employer_name="")
        .values_list("employer_name", flat=True)
    )
    terms.extend(("An employer's name", name) for name in sorted(employers))
    return terms


def identifiers_in(text: str, terms: list[tuple[str, str]]) -> list[Finding]:
    """Every identifier found in `text`, each once, in the order of the kinds."""
    found: list[Finding] = []
    for kind, words in terms:
        if _whole_words(words, text):
            found.append(Finding(kind, words))
    patterns = [
        ("A prison's name", HMP_NAME),
        *(("An exact date", pattern) for pattern in DATE_PATTERNS),
        ("A number that looks like a prison number", PRISON_NUMBER_LIKE),
        ("A number that looks like a PNC number", PNC_LIKE),
    ]
    found.extend(
        Finding(kind, match.group(0))
        for kind, pattern in patterns
        for match in pattern.finditer(text)
    )
    unique: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for finding in found:
        key = (finding.kind, finding.text.lower())
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def anonymise(text: str, *, learner: Learner, terms: list[tuple[str, str]]) -> str:
    """`text` with the identifiers the record knows replaced by general words."""
    replacements = {
        "The learner's name": "the learner",
        "The learner's prison number": "[prison number removed]",
        "The learner's PNC number": "[number removed]",
        "A prison's name": "the prison",
        "An employer's name": "their employer",
    }
    # Longest first, so "Jane Smith" goes before "Jane".
    for kind, words in sorted(terms, key=lambda term: -len(term[1])):
        if len(words.strip()) < 2:
            continue
        text = re.sub(
            r"(?<!\w)" + re.escape(words.strip()) + r"(?!\w)", replacements[kind], text, flags=re.I
        )
    text = HMP_NAME.sub("the prison", text)
    for pattern in DATE_PATTERNS:
        text = pattern.sub("[date removed]", text)
    text = PRISON_NUMBER_LIKE.sub("[number removed]", text)
    return PNC_LIKE.sub("[number removed]", text)


# --- The prefilled draft ---------------------------------------------------------------


def quote_choices(learner: Learner) -> list[tuple[str, str]]:
    """The learner's own words from their held reviews, as (review id, words)."""
    reviews = (
        Review.objects.filter(learner=learner, status=ReviewStatus.COMPLETE)
        .exclude(learner_words="")
        .order_by("held_on", "pk")
    )
    return [(str(review.pk), review.learner_words) for review in reviews]


def _skills_distance(learner: Learner) -> list[str]:
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for rating in SkillRating.objects.filter(learner=learner).order_by("rated_on", "pk"):
        first.setdefault(rating.skill, rating.rating)
        last[rating.skill] = rating.rating
    return [
        f"- {Skill(skill).label}: from {Confidence(first[skill]).label.lower()} "
        f"to {Confidence(last[skill]).label.lower()}"
        for skill in Skill.values
        if skill in first and last[skill] != first[skill]
    ]


CHART_POINTS = 8  # the first rating and the most recent ones, as in the progress report


def skills_chart(learner: Learner) -> Chart | None:
    """The learner's skills distance travelled, drawn like the progress report's
    chart but with nothing that identifies them: the points are told as time on
    the course ("At the start", "After eight months"), never as dates."""
    ratings = list(SkillRating.objects.filter(learner=learner).order_by("rated_on", "pk"))
    dates = sorted({rating.rated_on for rating in ratings})
    if not dates:
        return None
    if len(dates) > CHART_POINTS:
        dates = [dates[0], *dates[-(CHART_POINTS - 1) :]]
    index = {day: i for i, day in enumerate(dates)}
    values: dict[str, list[int | None]] = {}
    for rating in ratings:
        if rating.rated_on in index:
            row = values.setdefault(rating.skill, [None] * len(dates))
            row[index[rating.rated_on]] = rating.rating
    series = [(Skill(skill).label, values[skill]) for skill in Skill.values if skill in values]
    start = dates[0]
    labels = ["At the start"] + [f"After {duration_in_words(start, day)}" for day in dates[1:]]
    return line_chart(
        "Skills distance travelled",
        labels,
        series,
        y_labels=[label for _value, label in Confidence.choices],
        description=(
            "How confident the learner rated themselves in each employability skill, "
            "at the start of the course and at each progress review after it, "
            "on a four-level scale from not confident to very confident."
        ),
    )


def draft_text(learner: Learner, *, quote_ids: list[str], today: dt.date) -> str:
    """The first draft of a case study, in Markdown, with no identifier in it."""
    terms = identifier_terms(learner)
    completions = list(
        ModuleCompletion.objects.filter(learner=learner)
        .select_related("module__track")
        .order_by("completed_on", "pk")
    )
    until = learner.graduated_on or (completions[-1].completed_on if completions else today)
    paragraphs = [
        "## Their time on the course",
        f"They joined the Code4000 course at {prison_in_general(learner.prison)} and "
        f"studied with us for {duration_in_words(learner.joined_on, until)}.",
    ]
    if completions:
        tracks = sorted({c.module.track.name for c in completions})
        paragraphs.append(
            f"They completed {number_in_words(len(completions))} "
            f"module{'s' if len(completions) != 1 else ''} in the "
            f"{', '.join(tracks)} track{'s' if len(tracks) != 1 else ''}:"
        )
        paragraphs.append("\n".join(f"- {c.module.title}" for c in completions))
    skills = _skills_distance(learner)
    if skills:
        paragraphs.append("## Skills distance travelled")
        paragraphs.append("How confident they rated themselves, at the start and most recently:")
        paragraphs.append("\n".join(skills))
    if learner.graduated_on:
        paragraphs.append("## Graduation")
        paragraphs.append(
            "They graduated after "
            f"{duration_in_words(learner.joined_on, learner.graduated_on)} on the course."
        )
    outcome = Outcome.objects.filter(learner=learner).order_by("-confirmed_on", "-pk").first()
    if outcome is not None:
        now = outcome.get_kind_display().lower()
        employer = Employer.objects.filter(name=outcome.employer_name).first()
        where = (
            f", with {employer_in_general(employer.sector)}"
            if employer
            else (", with an employer" if outcome.employer_name else "")
        )
        paragraphs.append("## What they do now")
        paragraphs.append(f"Their latest news: {now}{where}.")
    words = dict(quote_choices(learner))
    quotes = [words[pk] for pk in quote_ids if pk in words]
    if quotes:
        paragraphs.append("## In their own words")
        paragraphs.extend(
            "> " + anonymise(quote, learner=learner, terms=terms).replace("\n", "\n> ")
            for quote in quotes
        )
    return anonymise("\n\n".join(paragraphs), learner=learner, terms=terms)


# --- Reading the Markdown back for the page and the PDF --------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "quote", "list" or "paragraph"
    lines: tuple[str, ...]


def blocks(body: str) -> list[Block]:
    """The few Markdown shapes a case study uses, as blocks a template renders (and
    escapes): `## heading`, `> quote`, `- item` lists and paragraphs."""
    result: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("#"):
            result.append(Block("heading", (lines[0].lstrip("#").strip(),)))
        elif all(line.startswith(">") for line in lines):
            result.append(Block("quote", (" ".join(line[1:].strip() for line in lines),)))
        elif all(line.startswith(("- ", "* ")) for line in lines):
            result.append(Block("list", tuple(line[2:].strip() for line in lines)))
        else:
            result.append(Block("paragraph", (" ".join(lines),)))
    return result
