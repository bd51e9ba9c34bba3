"""The attacker as a test: generated worlds, sets of released reports, and an
outsider who tries every world that fits what was published.

A world is a count for each of two prisons in each of two quarters. A series of
reports, each for some prisons and some quarters, is released one after another
through `reports.disclosure.release`, each checked against the ones before, as
the product does. Each report holds the kinds of cell the partner report has:
the total for its prisons and period, a row per quarter and a row per prison.

The attacker here is written apart from the product's and is stronger than
"every sum and difference of published cells": it lists every world (each
count from 0 up to what the published cells allow) that agrees with every
published cell, and for every group of counts (one prison in one quarter, a
prison over both quarters, a quarter over both prisons, any other combination)
whose true total is from 1 to 4 checks whether all those worlds agree on it. If
they do, the total is known exactly, and the test fails. Any sum or difference
of published figures that gave a small count exactly would make every fitting
world agree, so this attacker finds at least everything that one does.
"""

import datetime as dt
import itertools

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reports.disclosure import (
    SMALL_MAX,
    Cell,
    Kind,
    Published,
    published_cells,
    release,
)

D = dt.date
QUARTERS = ((D(2025, 1, 1), D(2025, 3, 31)), (D(2025, 4, 1), D(2025, 6, 30)))
PRISONS = (1, 2)
ATOMS = tuple(itertools.product(PRISONS, range(len(QUARTERS))))  # (prison, quarter)
BOX = 40  # a count nothing published limits is tried up to this


def report_cells(prisons, quarters, world) -> dict[str, tuple[Cell, int]]:
    def cell(ps, qs):
        value = sum(world[p, q] for p in ps for q in qs)
        span = (QUARTERS[qs[0]][0], QUARTERS[qs[-1]][1])
        return Cell(("releases",), frozenset(ps), *span), value

    cells = {"total": cell(prisons, quarters)}
    if len(quarters) > 1:
        cells |= {f"quarter {q}": cell(prisons, [q]) for q in quarters}
    if len(prisons) > 1:
        cells |= {f"prison {p}": cell([p], quarters) for p in prisons}
    return cells


def atoms_in(cell: Cell) -> list[tuple[int, int]]:
    return [
        (p, q)
        for p, q in ATOMS
        if p in cell.prisons and cell.start <= QUARTERS[q][0] and QUARTERS[q][1] <= cell.end
    ]


def fitting_worlds(published: list[Published]):
    """Every world that agrees with every published cell (counts chosen one by
    one; a cell is checked as soon as all its counts are chosen)."""
    limits = [(atoms_in(p.cell), p.low, p.high) for p in published]
    box = {
        atom: min([high for atoms, _low, high in limits if atom in atoms] + [BOX]) for atom in ATOMS
    }
    ready = [
        [(atoms, low, high) for atoms, low, high in limits if atoms and atoms[-1] == atom]
        for atom in ATOMS
    ]

    def choose(depth: int, world: dict):
        if depth == len(ATOMS):
            yield dict(world)
            return
        atom = ATOMS[depth]
        for value in range(box[atom] + 1):
            world[atom] = value
            if all(
                low <= sum(world[a] for a in atoms) <= high for atoms, low, high in ready[depth]
            ):
                yield from choose(depth + 1, world)
        del world[atom]

    yield from choose(0, {})


def recovered(truth: dict, published: list[Published]) -> list[tuple[tuple, int]]:
    """Groups of counts whose true total, from 1 to 4, every fitting world agrees on."""
    groups = [
        group for size in range(1, len(ATOMS) + 1) for group in itertools.combinations(ATOMS, size)
    ]
    secrets = {g: sum(truth[a] for a in g) for g in groups}
    secrets = {g: v for g, v in secrets.items() if 1 <= v <= SMALL_MAX}
    still_known = dict(secrets)
    for world in fitting_worlds(published):
        for group in list(still_known):
            if sum(world[a] for a in group) != secrets[group]:
                del still_known[group]
        if not still_known:
            return []
    return sorted(still_known.items())


# Counts at the edges of the rounding ranges (7 and 8 both show as 5 and 10's
# neighbours; 12 and 13 either side of 15) are where ranges pin small counts.
counts = st.one_of(
    st.sampled_from([0, 1, 2, 3, 4, 5, 7, 8, 12, 13]), st.integers(min_value=0, max_value=17)
)
worlds = st.fixed_dictionaries(dict.fromkeys(ATOMS, counts))
reports = st.lists(
    st.tuples(
        st.sampled_from([(1,), (2,), (1, 2)]),
        st.sampled_from([(0,), (1,), (0, 1)]),
    ),
    min_size=1,
    max_size=5,
)


def release_all(world, plan) -> list[Published]:
    published: list[Published] = []
    for prisons, quarters in plan:
        cells = report_cells(prisons, quarters, world)
        shown = release(cells, published)
        for key, (_cell, value) in cells.items():
            assert shown[key].kind != Kind.EXACT
            if shown[key].kind == Kind.ZERO:
                assert value == 0
        published += published_cells(cells, shown)
    return published


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(world=worlds, plan=reports)
# The range attack: totals at most 22, parts at least 8 and 13, so the rest is 1.
@example(
    world={(1, 0): 8, (1, 1): 13, (2, 0): 1, (2, 1): 0},
    plan=[((1,), (0, 1)), ((2,), (0, 1)), ((1, 2), (0, 1))],
)
# Issue 14's fourth attack: one prison, then that prison and another.
@example(
    world={(1, 0): 8, (1, 1): 0, (2, 0): 2, (2, 1): 0},
    plan=[((1,), (0,)), ((1, 2), (0,))],
)
# A withheld total is still the sum of its rows: both prisons at least 8 make it
# at least 16, so with Q1 at most 12, Q2 ("fewer than 5") is 4.
@example(world={(1, 0): 5, (1, 1): 3, (2, 0): 7, (2, 1): 1}, plan=[((1, 2), (0, 1))])
# Found by the generated test through the product: a chain of releases (Humber,
# then both, then Risley) and a total less one quarter's row bounding the other.
@example(
    world={(1, 0): 4, (1, 1): 0, (2, 0): 4, (2, 1): 0},
    plan=[((1,), (0,)), ((1, 2), (0,)), ((2,), (0,))],
)
@example(
    world={(1, 0): 7, (1, 1): 6, (2, 0): 4, (2, 1): 1},
    plan=[((1,), (0,)), ((1,), (1,)), ((2,), (0,)), ((1, 2), (0, 1))],
)
def test_no_released_set_of_reports_gives_away_a_small_count(world, plan):
    published = release_all(world, plan)
    assert recovered(world, published) == []


def test_the_attacker_recovers_small_counts_from_exact_figures():
    """The attacker works: shown exactly, a total and one prison give the other away."""
    world = {(1, 0): 8, (1, 1): 0, (2, 0): 2, (2, 1): 0}
    published = []
    for prisons in [(1,), (1, 2)]:
        for cell, value in report_cells(prisons, (0,), world).values():
            published.append(Published(cell, value, value))
    assert ((((2, 0),), 2)) in recovered(world, published)


def test_the_attacker_recovers_a_small_count_from_rounded_ranges():
    """Rounding alone is not enough: ranges that add up pin a count, and the
    guard in `release` is what stops it."""
    world = {(1, 0): 8, (1, 1): 13, (2, 0): 1, (2, 1): 0}
    rounded_only = []
    for prisons in [(1,), (2,), (1, 2)]:
        for cell, value in report_cells(prisons, (0, 1), world).values():
            low, high = _rounded_bounds(value)
            rounded_only.append(Published(cell, low, high))
    assert (((2, 0),), 1) in recovered(world, rounded_only)
    assert (
        recovered(world, release_all(world, [((1,), (0, 1)), ((2,), (0, 1)), ((1, 2), (0, 1))]))
        == []
    )


def _rounded_bounds(value: int) -> tuple[int, int]:
    if value == 0:
        return 0, 0
    if value <= SMALL_MAX:
        return 1, SMALL_MAX
    shown = 5 * ((value + 2) // 5)
    return max(shown - 2, 5), shown + 2
