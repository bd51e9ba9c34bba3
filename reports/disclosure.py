"""What the impact figures look like when they leave the organisation.

The method (docs/disclosure.md says why, and where it comes from):

1. Rounding, as NHS Digital has published hospital statistics since 2018: a
   count of 0 is shown as 0, a count from 1 to 4 as "fewer than 5", every other
   count rounded to the nearest 5; percentages are worked out from the rounded
   counts, and withheld when either count is not shown as a number. Sums and
   differences of multiples of 5 are multiples of 5, so no arithmetic on shown
   figures lands on a count from 1 to 4.
2. A guard against reasoning with ranges: a shown 10 says "8 to 12", and enough
   such ranges that add up can still pin a small count ("total at most 22, these
   parts at least 8 and 13, so the suppressed part is exactly 1"). Every release
   is stored (`PublishedTable`); before a new one leaves, `release` puts its cells
   together with every earlier release linked to it by shared prisons, runs the
   attacker below over them, and withholds cells of the new release (largest
   first, so margins go before their parts) until the attacker learns no count
   from 1 to 4 it could not learn before.

A cell is a count of some base quantities (`measures`) over a set of prisons and
a span of days. Cells of one measure add up over prisons and over days, so each
release is a set of sums over "atoms" (one measure, one prison, one stretch of
days between any two boundaries that any cell uses); atoms that every cell
treats alike are merged, since nobody can tell them apart.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from reports.figures import ImpactFigures, quarter_spans

SMALL_MAX = 4
ROUND_TO = 5
UNBOUNDED = 10**9  # the attacker's "no upper limit"

SMALL_TEXT = "fewer than 5"
WITHHELD_TEXT = "withheld"
NO_ONE_TEXT = "no one to count"
# A point in time for counts of "now" (active learners): every such count is
# treated as the same moment, which can only make the guard more careful.
NOW = dt.date.max


class Kind(StrEnum):
    EXACT = "exact"  # inside the organisation only
    ZERO = "zero"
    SMALL = "small"
    ROUNDED = "rounded"
    WITHHELD = "withheld"


@dataclass(frozen=True)
class Shown:
    """One count as a reader sees it."""

    kind: Kind
    number: int | None = None  # the number printed, for EXACT, ZERO and ROUNDED

    @property
    def text(self) -> str:
        if self.kind == Kind.SMALL:
            return SMALL_TEXT
        if self.kind == Kind.WITHHELD:
            return WITHHELD_TEXT
        return f"{self.number:,}"

    @property
    def is_number(self) -> bool:
        return self.number is not None

    @property
    def bounds(self) -> tuple[int, int]:
        """What a reader learns about the true count: at least, at most."""
        if self.kind in (Kind.EXACT, Kind.ZERO):
            return self.number, self.number
        if self.kind == Kind.SMALL:
            return 1, SMALL_MAX
        if self.kind == Kind.WITHHELD:
            return 0, UNBOUNDED
        half = ROUND_TO // 2
        return max(self.number - half, SMALL_MAX + 1), self.number + half

    def __str__(self) -> str:
        return self.text


WITHHELD = Shown(Kind.WITHHELD)


def exact(value: int) -> Shown:
    return Shown(Kind.EXACT, value)


def rounded(value: int) -> Shown:
    """0 as 0, 1 to 4 as "fewer than 5", anything else to the nearest 5."""
    if value == 0:
        return Shown(Kind.ZERO, 0)
    if value <= SMALL_MAX:
        return Shown(Kind.SMALL)
    return Shown(Kind.ROUNDED, ROUND_TO * ((value + ROUND_TO // 2) // ROUND_TO))


def percent(numerator: Shown, denominator: Shown) -> int | None:
    """The whole percentage (half up) from the numbers shown, or None when it
    cannot be shown: no one to count, or a count that is not a number."""
    if not (numerator.is_number and denominator.is_number) or denominator.number == 0:
        return None
    exact_share = Decimal(100 * numerator.number) / Decimal(denominator.number)
    return int(exact_share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_text(numerator: Shown, denominator: Shown) -> str:
    if denominator.is_number and denominator.number == 0:
        return NO_ONE_TEXT
    value = percent(numerator, denominator)
    return WITHHELD_TEXT if value is None else f"{value}%"


# -- cells and the attacker ---------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A count of `measures` over `prisons` (ids) from `start` to `end` (days, inclusive).
    A count taken at one moment ("learners on the programme at the end of the
    period") has start == end."""

    measures: tuple[str, ...]
    prisons: frozenset[int]
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Published:
    """A cell as released: what a reader knows of it."""

    cell: Cell
    low: int
    high: int

    def as_json(self) -> list:
        c = self.cell
        return [
            list(c.measures),
            sorted(c.prisons),
            c.start.isoformat(),
            c.end.isoformat(),
            self.low,
            self.high,
        ]

    @classmethod
    def from_json(cls, data: Sequence) -> Published:
        measures, prisons, start, end, low, high = data
        cell = Cell(
            tuple(measures),
            frozenset(prisons),
            dt.date.fromisoformat(start),
            dt.date.fromisoformat(end),
        )
        return cls(cell, low, high)


def _spans(cells: Iterable[Cell]) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """For each measure, the stretches of days between every boundary its cells use."""
    cuts: dict[str, set[dt.date]] = defaultdict(set)
    for cell in cells:
        for measure in cell.measures:
            cuts[measure].add(cell.start)
            cuts[measure].add(cell.end + dt.timedelta(days=1) if cell.end < NOW else NOW)
    spans = {}
    for measure, days in cuts.items():
        ordered = sorted(days)
        spans[measure] = [(a, b - dt.timedelta(days=1)) for a, b in itertools.pairwise(ordered)]
        if ordered[-1] == NOW:  # the moment "now" is a span of its own
            spans[measure].append((NOW, NOW))
    return spans


Atom = tuple[str, int, dt.date, dt.date]  # measure, prison, first day, last day


def _atoms_of(cell: Cell, spans) -> frozenset[Atom]:
    return frozenset(
        (measure, prison, a, b)
        for measure in cell.measures
        for prison in cell.prisons
        for a, b in spans[measure]
        if cell.start <= a and b <= cell.end
    )


@dataclass(frozen=True)
class Leak:
    """A true count from 1 to 4 the attacker pins down exactly."""

    atoms: frozenset[Atom]
    value: int

    def describe(self) -> str:
        measures = sorted({a[0] for a in self.atoms})
        prisons = sorted({a[1] for a in self.atoms})
        first, last = min(a[2] for a in self.atoms), max(a[3] for a in self.atoms)
        return f"{'+'.join(measures)} at prisons {prisons} from {first} to {last} is {self.value}"


def _canonical(atoms: Iterable[Atom]) -> frozenset[Atom]:
    """The same stretch of days however it was cut: joined-up spans merged, so
    leaks found with different span boundaries compare equal."""
    by_key: dict[tuple[str, int], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for measure, prison, a, b in atoms:
        by_key[measure, prison].append((a, b))
    result = set()
    for (measure, prison), spans in by_key.items():
        spans.sort()
        first, last = spans[0]
        for a, b in spans[1:]:
            if last < NOW and a == last + dt.timedelta(days=1):
                last = b
            else:
                result.add((measure, prison, first, last))
                first, last = a, b
        result.add((measure, prison, first, last))
    return frozenset(result)


def attack(published: Sequence[Published], *, rounds: int = 50) -> list[Leak]:
    """Everything from 1 to 4 that bound reasoning over `published` pins exactly.

    Each published cell says low <= (sum of its atoms) <= high; atoms are whole
    numbers at least 0. The attacker keeps a range for every atom, every cell,
    and every difference of a cell and a smaller cell inside it, and tightens
    them until nothing changes: a sum from its parts and its parts from the sum
    (a cell from its atoms, an atom from its cell less the other atoms; a cell
    from a cell inside it and the rest, and each of those from the other two).
    Any of them whose range is a single number from 1 to 4 is a leak.
    """
    cells = [p.cell for p in published]
    spans = _spans(cells)
    base = [_atoms_of(cell, spans) for cell in cells]
    # Merge atoms that are in exactly the same cells: nobody can tell them apart.
    membership: dict[Atom, set[int]] = defaultdict(set)
    for index, atoms in enumerate(base):
        for atom in atoms:
            membership[atom].add(index)
    classes: dict[frozenset[int], set[Atom]] = defaultdict(set)
    for atom, member_of in membership.items():
        classes[frozenset(member_of)].add(atom)
    class_atoms = list(classes.values())
    class_of = {atom: number for number, atoms in enumerate(class_atoms) for atom in atoms}

    bounds: dict[frozenset[int], tuple[int, int]] = {}

    def tighten(key: frozenset[int], lo: int, hi: int) -> bool:
        old = bounds.get(key, (0, UNBOUNDED))
        new = (max(old[0], lo), min(old[1], UNBOUNDED if hi > UNBOUNDED // 2 else hi))
        if new != old:
            bounds[key] = new
            return True
        return False

    for number in range(len(class_atoms)):
        bounds[frozenset([number])] = (0, UNBOUNDED)
    for atoms, p in zip(base, published, strict=True):
        if atoms:
            key = frozenset(class_of[a] for a in atoms)
            bounds.setdefault(key, (0, UNBOUNDED))  # a withheld cell is still a sum
            tighten(key, p.low, p.high)
    # Every cell inside another: outer = inner + rest.
    # A cell inside another holds all of its classes, so only cells that hold a
    # given class of the inner one need comparing (few: those of one measure).
    cell_sums = [key for key in bounds if len(key) > 1]
    holding: dict[int, list[frozenset[int]]] = defaultdict(list)
    for key in cell_sums:
        for m in key:
            holding[m].append(key)
    nested = []
    for inner in cell_sums:
        for outer in holding[min(inner)]:
            if len(inner) < len(outer) and inner < outer:
                rest = outer - inner
                bounds.setdefault(rest, (0, UNBOUNDED))
                nested.append((outer, inner, rest))

    # Atoms are tightened from cells; a difference that is no cell's is tightened
    # from its cells only (from its atoms at the end), which keeps this quick.
    for _ in range(rounds):
        changed = False
        for key in cell_sums:
            parts = [bounds[frozenset([m])] for m in key]
            sum_low = sum(lo for lo, _hi in parts)
            sum_high = sum(hi for _lo, hi in parts)
            changed |= tighten(key, sum_low, sum_high)
            lo, hi = bounds[key]
            for m, (a_lo, a_hi) in zip(key, parts, strict=True):
                changed |= tighten(frozenset([m]), lo - (sum_high - a_hi), hi - (sum_low - a_lo))
        for outer, inner, rest in nested:
            (o_lo, o_hi), (i_lo, i_hi), (r_lo, r_hi) = bounds[outer], bounds[inner], bounds[rest]
            changed |= tighten(rest, o_lo - i_hi, o_hi - i_lo)
            changed |= tighten(outer, i_lo + r_lo, i_hi + r_hi)
            changed |= tighten(inner, o_lo - r_hi, o_hi - r_lo)
        if not changed:
            break

    for key in bounds:
        parts = [bounds[frozenset([m])] for m in key]
        tighten(key, sum(lo for lo, _hi in parts), sum(hi for _lo, hi in parts))
    leaks: dict[frozenset, Leak] = {}
    for key, (lo, hi) in bounds.items():
        if lo == hi and 1 <= lo <= SMALL_MAX:
            atoms = frozenset().union(*(class_atoms[m] for m in key))
            leaks.setdefault(_canonical(atoms), Leak(atoms, lo))
    return list(leaks.values())


def release(
    cells: Mapping[Hashable, tuple[Cell, int]], earlier: Sequence[Published] = ()
) -> dict[Hashable, Shown]:
    """How each of `cells` (key -> (cell, true count)) may be shown, given the
    `earlier` releases: rounded, then withheld where the attacker would learn a
    count from 1 to 4 that the earlier releases alone did not give away."""
    shown = {key: rounded(value) for key, (_cell, value) in cells.items()}
    before: set[frozenset[Atom]] | None = None  # worked out only when needed
    by_size = sorted(cells, key=lambda key: -cells[key][1])
    while True:
        published = [*earlier, *published_cells(cells, shown)]
        leaks = attack(published)
        if leaks and before is None:
            before = {_canonical(leak.atoms) for leak in attack(earlier)} if earlier else set()
        leaks = [leak for leak in leaks if _canonical(leak.atoms) not in (before or set())]
        if not leaks:
            return shown
        leaked = set().union(*(leak.atoms for leak in leaks))
        spans = _spans(p.cell for p in published)
        open_keys = [key for key in by_size if shown[key].kind != Kind.WITHHELD]
        touching = [key for key in open_keys if _atoms_of(cells[key][0], spans) & leaked]
        # Withholding every new cell gives back `earlier`, so this ends.
        if not (touching or open_keys):
            return shown
        shown[(touching or open_keys)[0]] = WITHHELD


def published_cells(
    cells: Mapping[Hashable, tuple[Cell, int]], shown: Mapping[Hashable, Shown]
) -> list[Published]:
    return [Published(cell, *shown[key].bounds) for key, (cell, _value) in cells.items()]


# -- the figures as shown -----------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    value: Shown
    base: Shown | None = None  # the denominator of a share
    share: str | None = None

    @property
    def text(self) -> str:
        return self.share if self.share is not None else self.value.text


@dataclass(frozen=True)
class OutcomeLineShown:
    key: str
    label: str
    count: Shown
    share: str
    percent: int | None


@dataclass(frozen=True)
class OutcomeGroupShown:
    group: str
    noun: str
    released: Shown
    followed_up: Shown
    lines: tuple[OutcomeLineShown, ...]
    by_kind: tuple[OutcomeLineShown, ...]
    # Latest follow-ups reported by the learners themselves, then confirmed.
    self_reported: Shown | None = None

    def line(self, key: str) -> OutcomeLineShown:
        return next(line for line in self.lines if line.key == key)


@dataclass(frozen=True)
class QuarterShown:
    label: str
    starters: Shown
    graduates: Shown
    releases: Shown


@dataclass(frozen=True)
class PrisonReviewsShown:
    prison: str
    on_time: Shown
    with_due: Shown
    share: str
    percent: int | None


@dataclass(frozen=True)
class FiguresShown:
    """Every figure of one report as it is shown: `exact` (inside Code4000 only)
    or released. Dashboard, CSV, PDF and charts all read this."""

    exact: bool
    period_start: dt.date
    period_end: dt.date
    prison_names: str
    headline_rows: tuple[FigureRow, ...]
    outcome_groups: tuple[OutcomeGroupShown, ...]
    quarters: tuple[QuarterShown, ...]
    reviews_by_prison: tuple[PrisonReviewsShown, ...]
    has_reviews: bool
    published: tuple[Published, ...]  # what a reader learns: stored when released

    @property
    def released(self) -> bool:
        return not self.exact

    @property
    def withheld_any(self) -> bool:
        return any(p.high == UNBOUNDED for p in self.published)

    def row(self, key: str) -> FigureRow:
        return next(row for row in self.headline_rows if row.key == key)


COHORTS = {"released graduates": ("graduate",), "all released learners": ("graduate", "other")}


def figure_cells(figures: ImpactFigures) -> dict[str, tuple[Cell, int]]:
    """Every count in `figures` as a cell: what it adds up."""
    everywhere = frozenset(p.pk for p in figures.prisons)
    period = (figures.period_start, figures.period_end)
    at_end = (figures.period_end, figures.period_end)

    def cell(measures, span, prisons=everywhere):
        return Cell(tuple(measures), frozenset(prisons), *span)

    cells: dict[str, tuple[Cell, int]] = {
        "learners": (cell(["learners"], at_end), figures.learners.value),
        "new_starters": (cell(["starters"], period), figures.new_starters.value),
        "active": (cell(["active"], (NOW, NOW)), figures.active.value),
        "graduates": (cell(["graduates"], period), figures.graduates.value),
        "releases": (cell(["releases"], period), figures.releases.value),
        "returns_to_custody": (cell(["returns"], period), figures.returns_to_custody.value),
    }
    if figures.modules_completed is not None:
        on_time = figures.reviews_on_time
        cells |= {
            "modules_completed": (cell(["modules"], period), figures.modules_completed.value),
            "reviews_held": (
                cell(["reviews_on_time", "reviews_late", "reviews_no_due"], period),
                figures.reviews_held.value,
            ),
            "reviews_on_time": (cell(["reviews_on_time"], period), on_time.numerator),
            "reviews_with_due": (
                cell(["reviews_on_time", "reviews_late"], period),
                on_time.denominator,
            ),
            "interventions_raised": (
                cell(["interventions_raised"], period),
                figures.interventions_raised.value,
            ),
            "interventions_closed": (
                cell(["interventions_closed"], period),
                figures.interventions_closed.value,
            ),
        }
        # Every prison has a row: one left out would be read as none.
        by_name = {row.prison: row.on_time for row in figures.reviews_on_time_by_prison}
        for prison in figures.prisons:
            share = by_name.get(prison.name)
            numerator, denominator = (share.numerator, share.denominator) if share else (0, 0)
            cells[f"prison:{prison.pk}:on_time"] = (
                cell(["reviews_on_time"], period, {prison.pk}),
                numerator,
            )
            cells[f"prison:{prison.pk}:with_due"] = (
                cell(["reviews_on_time", "reviews_late"], period, {prison.pk}),
                denominator,
            )
    spans = quarter_spans(figures.period_start, figures.period_end)
    for index, (row, span) in enumerate(
        zip(figures.starters_graduates_releases_by_quarter, spans, strict=True)
    ):
        cells[f"quarter:{index}:starters"] = (cell(["starters"], span), row.starters)
        cells[f"quarter:{index}:graduates"] = (cell(["graduates"], span), row.graduates)
        cells[f"quarter:{index}:releases"] = (cell(["releases"], span), row.releases)
    for group in figures.outcome_groups:
        cohorts = COHORTS[group.group]

        def per_cohort(name, cohorts=cohorts):
            return [f"{name}:{cohort}" for cohort in cohorts]

        released = per_cohort("released_followed") + per_cohort("released_not_followed")
        cells[f"{group.group}:released"] = (cell(released, at_end), group.released.value)
        cells[f"{group.group}:followed_up"] = (
            cell(per_cohort("released_followed"), at_end),
            group.followed_up.value,
        )
        cells[f"{group.group}:self_reported"] = (
            cell(per_cohort("released_self_reported"), at_end),
            group.self_reported.value,
        )
        for prefix, lines in (("line", group.lines), ("kind", group.by_kind)):
            for line in lines:
                cells[f"{group.group}:{prefix}:{line.key}"] = (
                    cell(per_cohort(f"outcome_{line.key}"), at_end),
                    line.share.numerator,
                )
    return cells


def figures_shown(
    figures: ImpactFigures, *, exact_figures: bool = False, earlier=()
) -> FiguresShown:
    """`figures` as shown: exact, or released (rounded, and checked against the
    `earlier` releases, a sequence of `Published`)."""
    cells = figure_cells(figures)
    if exact_figures:
        shown = {key: exact(value) for key, (_cell, value) in cells.items()}
    else:
        shown = release(cells, earlier)

    def count_row(key, label):
        return FigureRow(key, label, shown[key])

    rows = [
        count_row("learners", "Learners on the programme"),
        count_row("new_starters", "New starters in the period"),
        count_row("active", "Active learners now"),
        count_row("graduates", "Graduates in the period"),
    ]
    has_reviews = figures.modules_completed is not None
    if has_reviews:
        numerator, denominator = shown["reviews_on_time"], shown["reviews_with_due"]
        rows += [
            count_row("modules_completed", "Modules completed"),
            count_row("reviews_held", "Progress reviews held"),
            FigureRow(
                "reviews_on_time",
                "Share of reviews held on time",
                numerator,
                base=denominator,
                share=share_text(numerator, denominator),
            ),
            count_row("interventions_raised", "Interventions raised"),
            count_row("interventions_closed", "Interventions closed"),
        ]
    rows += [
        count_row("releases", "Releases in the period"),
        count_row("returns_to_custody", "Returns to custody in the period"),
    ]

    def line_shown(group, prefix, line):
        count = shown[f"{group.group}:{prefix}:{line.key}"]
        base = shown[f"{group.group}:followed_up"]
        return OutcomeLineShown(
            line.key, line.label, count, share_text(count, base), percent(count, base)
        )

    groups = tuple(
        OutcomeGroupShown(
            group=group.group,
            noun=group.noun,
            released=shown[f"{group.group}:released"],
            followed_up=shown[f"{group.group}:followed_up"],
            lines=tuple(line_shown(group, "line", line) for line in group.lines),
            by_kind=tuple(line_shown(group, "kind", line) for line in group.by_kind),
            self_reported=shown[f"{group.group}:self_reported"],
        )
        for group in figures.outcome_groups
    )
    quarters = tuple(
        QuarterShown(
            row.label,
            shown[f"quarter:{index}:starters"],
            shown[f"quarter:{index}:graduates"],
            shown[f"quarter:{index}:releases"],
        )
        for index, row in enumerate(figures.starters_graduates_releases_by_quarter)
    )
    reviews = []
    if has_reviews:
        for prison in figures.prisons:
            on_time = shown[f"prison:{prison.pk}:on_time"]
            with_due = shown[f"prison:{prison.pk}:with_due"]
            reviews.append(
                PrisonReviewsShown(
                    prison.name,
                    on_time,
                    with_due,
                    share_text(on_time, with_due),
                    percent(on_time, with_due),
                )
            )
    return FiguresShown(
        exact=exact_figures,
        period_start=figures.period_start,
        period_end=figures.period_end,
        prison_names=figures.prison_names,
        headline_rows=tuple(rows),
        outcome_groups=groups,
        quarters=quarters,
        reviews_by_prison=tuple(reviews),
        has_reviews=has_reviews,
        published=tuple(published_cells(cells, shown)),
    )
