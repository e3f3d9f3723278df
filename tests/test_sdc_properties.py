"""Property tests: whatever the tables, the engine's output passes the independent audit, and the audit's
integer intervals agree with brute-force enumeration.

The CI profile runs about 200 examples in all; ``make test-long`` (pytest -m long) runs the long
profile (thousands). Tables are random: 1 to 3 dimensions, optional totals and an offence-group hierarchy, a
linked second table, a derived change column, random k, zeros policy, group rule and solver path.
"""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from audit_helpers import all_cells, published
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdc_brute import brute_intervals
from sdc_tables import with_margins

from flows.contracts.tidy import Measure, Role, TidyTable, published_view
from flows.sdc.policy import SdcPolicy
from flows.sdc.protect import protect
from flows.sdc_audit import AuditTable, audit_tables

CI = settings(max_examples=55, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
LONG = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL = st.sampled_from([0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8, 12, 20])


@st.composite
def releases(draw):
    """(tables, policy, hierarchies, spec) for one random release."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3).filter(lambda s: _product(s) <= 24))
    dims = []
    for i, n in enumerate(sizes):
        total = f"All d{i}" if i == 0 or draw(st.booleans()) else None
        dims.append((f"d{i}", [f"d{i}-{j}" for j in range(n)], total))
    parents = {}
    if sizes[0] >= 3 and draw(st.booleans()):
        parents = {"d0": {leaf: f"group-{j % 2}" for j, leaf in enumerate(dims[0][1])}}
    leaves = list(itertools.product(*(d[1] for d in dims)))
    inner = {leaf: draw(SMALL) for leaf in leaves}
    tables = [with_margins("main", dims, inner, parents)]
    if len(dims) >= 2 and dims[1][2] is None and draw(st.booleans()):
        tables[0] = _with_change(tables[0], "d1")
    elif len(dims) >= 2 and all(d[2] for d in dims[1:]) and draw(st.booleans()):
        marginal = {(leaf,): sum(v for k, v in inner.items() if k[0] == leaf) for leaf in dims[0][1]}
        tables.append(with_margins("linked", [dims[0]], marginal, parents))
    policy = SdcPolicy(
        k=draw(st.integers(3, 6)),
        zeros=draw(st.sampled_from(["publish", "may_suppress"])),
        group_rule=draw(st.sampled_from(["off", "hide_zeros"])),
        group_dimension="d1",
        strategy=draw(st.sampled_from(["suppress", "auto"])),
        exact_max_cells=draw(st.sampled_from([0, 1500])),
        cost=draw(st.sampled_from(["cells", "values"])),
    )
    return tables, policy, parents


def _product(sizes: list[int]) -> int:
    out = 1
    for s in sizes:
        out *= s
    return out


def _with_change(table: TidyTable, dim: str) -> TidyTable:
    """A change column along ``dim``: each row minus the row with the previous category."""
    f = table.frame.with_row_index("__r")
    others = [d for d in table.dimension_names if d != dim]
    f = f.with_columns(
        (pl.col("arrests") - pl.col("arrests").shift(1).over(others, order_by="__r")).alias("change")
    ).drop("__r")
    f = f.with_columns(pl.lit("").alias("change_flag"))
    return TidyTable(
        table.name,
        table.title,
        table.dimensions,
        (*table.measures, Measure("change", "Change", Role.CHANGE, ("arrests",))),
        f,
    )


def as_published(table: TidyTable) -> AuditTable:
    """What a reader sees, written out here rather than borrowed from the engine."""
    view = published_view(table)
    measures = [m.name for m in table.measures]
    rows = tuple(
        (
            tuple(str(r[d]) for d in table.dimension_names),
            tuple(r[f"{m}_flag"] if r[m] is None and r[f"{m}_flag"] else r[m] for m in measures),
        )
        for r in view.iter_rows(named=True)
    )
    return AuditTable(
        table.name,
        tuple(table.dimension_names),
        tuple(measures),
        rows,
        {d.name: d.total for d in table.dimensions if d.total},
        {m.name: str(m.role) for m in table.measures if m.role is not Role.COUNT},
        file=f"{table.name}.csv",
    )


def check_engine_output_passes_the_audit(release) -> None:
    tables, policy, parents = release
    out = protect(tables, policy)
    rounded = out.strategy_used == "round"
    for t in out.tables:
        for m in t.measures:
            if m.role is Role.COUNT:
                shown = published_view(t)[m.name].drop_nulls()
                assert not shown.is_between(1, policy.k - 1).any() or rounded, (t.name, shown.to_list())
    result = audit_tables(
        [as_published(t) for t in out.tables],
        k=policy.k,
        zeros_published=policy.zeros == "publish",
        hierarchies=parents,
        rounding_base=policy.round_base if rounded else None,
        group_dimension="d1" if policy.group_rule == "hide_zeros" else None,
        comparisons=dict(out.comparisons),
        integer=True,
    )
    assert result.passed, [str(p) for p in result.problems]


@given(releases())
@CI
def test_engine_output_always_passes_the_independent_audit(release):
    check_engine_output_passes_the_audit(release)


@pytest.mark.long
@given(releases())
@LONG
def test_engine_output_always_passes_the_independent_audit_long(release):
    check_engine_output_passes_the_audit(release)


@st.composite
def tiny_patterns(draw):
    """A tiny table, its true values and an arbitrary (possibly unsafe) pattern of withheld cells."""
    shape = draw(st.sampled_from([(3,), (4,), (2, 2), (2, 3), (3, 2)]))
    dims = [
        (f"d{i}", [f"d{i}-{j}" for j in range(n)], f"All d{i}" if i == 0 or draw(st.booleans()) else None)
        for i, n in enumerate(shape)
    ]
    inner = {leaf: draw(st.integers(0, 5)) for leaf in itertools.product(*(d[1] for d in dims))}
    zeros_published = draw(st.booleans())
    cells = all_cells(dims)
    value = {c: sum(inner[leaf] for leaf in below) for c, below in cells.items()}
    candidates = [c for c in cells if value[c] > 0 or not zeros_published]
    if not candidates:  # all zeros, and zeros are published: nothing could be withheld
        zeros_published, candidates = False, list(cells)
    hidden = set(draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=5, unique=True)))
    if sum(1 for leaf in inner if leaf in hidden) > 3:
        hidden = {c for c in hidden if c not in inner} | set(sorted(c for c in hidden if c in inner)[:3])
    return dims, inner, hidden, zeros_published, draw(st.integers(3, 5))


def check_audit_agrees_with_brute_force(case) -> None:
    dims, inner, hidden, zeros_published, k = case
    result = audit_tables(
        [published(dims, inner, hidden)], k=k, zeros_published=zeros_published, integer=True
    )
    cap = sum(inner.values()) + k + 2
    brute = brute_intervals(dims, inner, hidden, zeros_published, cap)
    names = [d for d, _, _ in dims]
    exposed_by_brute = set()
    for cell, (lo, hi) in brute.items():
        found = result.intervals[("table.csv", "arrests", tuple(zip(names, cell, strict=True)))]
        assert lo <= found[0] <= found[1] <= (hi if hi < cap else float("inf")), (cell, found, (lo, hi))
        if not (found[1] - found[0] >= 1 and found[1] >= k):  # not passed on samples alone: solved exactly
            assert found[0] == lo and (found[1] == hi or hi >= cap), (cell, found, (lo, hi))
        if (lo >= 1 and hi <= k - 1) or hi - lo < 1:
            exposed_by_brute.add(dict(zip(names, cell, strict=True)).__repr__())
    assert {repr(p.cell) for p in result.problems} == exposed_by_brute


@given(tiny_patterns())
@CI
def test_audit_intervals_agree_with_brute_force_enumeration(case):
    check_audit_agrees_with_brute_force(case)


@pytest.mark.long
@given(tiny_patterns())
@LONG
def test_audit_intervals_agree_with_brute_force_enumeration_long(case):
    check_audit_agrees_with_brute_force(case)


@st.composite
def tiny_tables(draw):
    shape = draw(st.sampled_from([(3,), (2, 2), (2, 3), (3, 3)]))
    dims = [(f"d{i}", [f"d{i}-{j}" for j in range(n)], f"All d{i}") for i, n in enumerate(shape)]
    inner = {
        leaf: draw(st.sampled_from([0, 1, 2, 3, 4, 6, 9]))
        for leaf in itertools.product(*(d[1] for d in dims))
    }
    return dims, inner, draw(st.integers(3, 5))


def check_engine_output_survives_brute_force(case) -> None:
    dims, inner, k = case
    out = protect([with_margins("tiny", dims, inner)], SdcPolicy(k=k, group_rule="off", strategy="suppress"))
    f = out.tables[0].frame
    hidden = {
        tuple(r[:-1])
        for r in f.select([*(d for d, _, _ in dims), "arrests_flag"]).iter_rows()
        if "[c]" in r[-1]
    }
    hidden_leaves = [c for c in hidden if c in inner]
    cap = sum(inner.values()) + k + 2
    if (cap + 1) ** len(hidden_leaves) > 2_000_000:
        return  # too many to enumerate; the audit property (audit = brute force) covers it
    for cell, (lo, hi) in brute_intervals(dims, inner, hidden, True, cap).items():
        assert not (lo >= 1 and hi <= k - 1) and hi - lo >= 1, (cell, lo, hi)


@given(tiny_tables())
@CI
def test_engine_output_survives_brute_force_enumeration(case):
    check_engine_output_survives_brute_force(case)


@pytest.mark.long
@given(tiny_tables())
@LONG
def test_engine_output_survives_brute_force_enumeration_long(case):
    check_engine_output_survives_brute_force(case)


@st.composite
def release_sequences(draw):
    """Yearly counts, then 2 to 4 releases of overlapping year windows (each with its total), same as-at."""
    years = [str(y) for y in range(2016, 2023)]
    values = {y: draw(SMALL) for y in years}
    windows = []
    for _ in range(draw(st.integers(2, 4))):
        start = draw(st.integers(0, len(years) - 2))
        end = draw(st.integers(start + 1, len(years) - 1))
        windows.append(years[start : end + 1])
    return values, windows, draw(st.integers(3, 5))


def check_release_sequences_stay_safe(case) -> None:
    from datetime import date

    from flows.sdc.history import Axes, days, published_cells
    from flows.sdc.protect import ProtectionRefused
    from flows.sdc_audit.populations import audit_populations

    values, windows, k = case
    policy = SdcPolicy(k=k, group_rule="off", strategy="suppress")
    history = []
    for n, window in enumerate(windows):
        total = f"{window[0]} to {window[-1]}"
        table = with_margins("by_year", [("year", window, total)], {(y,): values[y] for y in window})
        spans = {y: days(date(int(y), 1, 1), date(int(y), 12, 31)) for y in window}
        axes = Axes({"year": ("day", spans | {total: frozenset().union(*spans.values())})})
        try:
            out = protect(
                [table], policy, history, populations={"by_year": axes}, release_id=f"r{n}", as_at="t"
            )
        except ProtectionRefused:
            continue  # refusing is safe; publishing is what must never expose
        history += published_cells(out.tables[0], axes, f"r{n}", "t")
        result = audit_populations([c.for_audit() for c in history], k=k, integer=True)
        assert result.passed, [str(p) for p in result.problems]


@given(release_sequences())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
def test_sequences_of_overlapping_releases_never_expose_a_cell(case):
    check_release_sequences_stay_safe(case)


@pytest.mark.long
@given(release_sequences())
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_sequences_of_overlapping_releases_never_expose_a_cell_long(case):
    check_release_sequences_stay_safe(case)
