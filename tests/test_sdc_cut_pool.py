"""Cuts kept between exact loops (flows/sdc/cut_pool.py): priced on new figures they are still true, and a table
protected again starts with them and needs fewer master solves."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdc_tables import with_margins
from test_sdc_optimality import protects

from flows.sdc import SdcPolicy, protect
from flows.sdc import solve as solve_module
from flows.sdc.cut_pool import CutPool
from flows.sdc.lp import Attacker, DeviationModel, cut_from_duals
from flows.sdc.rules import FREE, HIDDEN, sensitivity
from flows.sdc.system import build_system

PLAIN = SdcPolicy(group_rule="off", strategy="suppress")


def _system(table, policy=PLAIN):
    system = build_system([table], policy)
    req = sensitivity([table], system, policy)
    return system, req, DeviationModel.build(system, req)


@st.composite
def two_days(draw):
    """A tiny table's inner cells yesterday and today (one figure moved by a late record), and a seed."""
    shape = draw(st.sampled_from([(3,), (4,), (2, 2), (2, 3), (3, 2)]))
    keys = list(itertools.product(*(["abc"[d] + str(i) for i in range(n)] for d, n in enumerate(shape))))
    yesterday = {k: draw(st.sampled_from([0, 1, 2, 3, 5, 7, 12])) for k in keys}
    today = dict(yesterday)
    moved = draw(st.sampled_from(keys))
    today[moved] = max(0, today[moved] + draw(st.sampled_from([-2, -1, 1, 2])))
    return yesterday, today, draw(st.integers(0, 2**32 - 1))


def _tiny(inner):
    width = len(next(iter(inner)))
    return with_margins(
        "t", [(f"d{d}", sorted({k[d] for k in inner}), f"All d{d}") for d in range(width)], inner
    )


def _protecting(model, req) -> list[np.ndarray]:
    free, found = np.flatnonzero(req.state == FREE), []
    for size in range(free.size + 1):
        for chosen in itertools.combinations(free, size):
            hidden = req.state == HIDDEN
            hidden[list(chosen)] = True
            if hidden.any() and protects(model, req, hidden):
                found.append(hidden.astype(np.float64))
    return found


@given(two_days())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
def test_multipliers_from_yesterdays_figures_priced_on_todays_give_cuts_no_protecting_pattern_violates(case):
    """The pool's whole safety: the intruder LP's multipliers from yesterday's figures (and random ones) still
    give, priced on today's, a cut that no protecting pattern violates, so the master stays a relaxation and
    its bound stays proven."""
    yesterday, today, seed = case
    _, old_req, old = _system(_tiny(yesterday))
    system, req, model = _system(_tiny(today))
    rng = np.random.default_rng(seed)
    multipliers = [(t, rng.normal(0.0, 0.5, old.matrix.shape[0])) for t in range(system.size)]
    primaries = old_req.state == HIDDEN
    if primaries.any():  # the tight ones: the pattern of yesterday's primaries alone, asked cell by cell
        attacker = Attacker(old, primaries)
        for t in np.flatnonzero(primaries):
            attacker.max_rise(int(t))
            multipliers.append((int(t), attacker.cut(int(t), float(old_req.upl[t])).duals))
    patterns = _protecting(model, req)
    for target, lam in multipliers:
        cut = cut_from_duals(model, target, lam, float(req.upl[target]))
        for y in patterns:
            assert cut.coef @ y - cut.need * y[target] >= -cut.constant - 1e-6


def test_a_cut_from_the_intruder_lp_carries_the_multipliers_that_price_it_again():
    table = with_margins(
        "t",
        [("a", ["x", "y", "z"], "All"), ("b", ["p", "q"], "All")],
        dict.fromkeys(itertools.product("xyz", "pq"), 1),
    )
    system, req, model = _system(table)
    hidden = req.state == HIDDEN
    attacker = Attacker(model, hidden)
    target = int(np.flatnonzero(hidden)[0])
    attacker.max_rise(target)
    cut = attacker.cut(target, float(req.upl[target]))
    again = cut_from_duals(model, target, cut.duals, cut.need)
    assert np.allclose(again.coef, cut.coef) and again.constant == cut.constant


def _inner(seed: int, shape=(8, 5, 4)) -> dict[tuple[str, ...], int]:
    """Inner cells drawn as flows.sdc.bench.seeded_table draws them."""
    rng = np.random.default_rng(seed)
    values = rng.poisson(rng.lognormal(1.6, 1.1, size=shape))
    return {
        tuple(f"{'abc'[d]}{i}" for d, i in enumerate(idx)): int(values[idx])
        for idx in itertools.product(*(range(n) for n in shape))
    }


def _table(inner: dict[tuple[str, ...], int]):
    width = len(next(iter(inner)))
    dims = [(f"d{d}", sorted({k[d] for k in inner}), f"All d{d}") for d in range(width)]
    return with_margins("t", dims, inner)


def _master_solves(monkeypatch) -> list[int]:
    calls = [0]
    original = solve_module.Master.solve

    def counted(self, *args, **kwargs):
        calls[0] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(solve_module.Master, "solve", counted)
    return calls


def test_a_table_protected_again_starts_from_the_cuts_kept_for_its_shape(tmp_path, monkeypatch):
    """Yesterday's table leaves its cuts; today's (a few late records changed three figures) starts with them,
    reaches the same least loss in fewer master solves, and its bound is still below that least loss."""
    exact = PLAIN.model_copy(update={"gap_target": 0.0})
    yesterday = _inner(seed=7)
    today = dict(yesterday)
    for key in list(today)[:3]:
        today[key] += 1
    pool = CutPool(tmp_path / "cuts")
    calls = _master_solves(monkeypatch)

    protect([_table(yesterday)], exact, cuts=pool)
    assert calls[0] > 1, "the first master pattern must fail the check, or there is nothing to keep"
    assert list((tmp_path / "cuts").glob("*.npz"))

    calls[0] = 0
    alone = protect([_table(today)], exact)
    without = calls[0]
    calls[0] = 0
    started = protect([_table(today)], exact, cuts=pool)
    with_pool = calls[0]

    assert started.audit.passed and alone.audit.passed
    assert with_pool < without
    assert "optimal" in started.method and "optimal" in alone.method
    assert (
        abs(started.optimality.cost - alone.optimality.cost) <= PLAIN.mip_gap * alone.optimality.cost + 1e-6
    )
    assert started.optimality.bound <= alone.optimality.cost + 1e-6


def test_the_pool_offers_nothing_for_another_shape_and_treats_a_damaged_entry_as_a_miss(tmp_path):
    pool = CutPool(tmp_path)
    small = _table(_inner(seed=3, shape=(3, 3, 2)))
    system, req, model = _system(small)
    target = int(np.flatnonzero(req.state == HIDDEN)[0]) if (req.state == HIDDEN).any() else 0
    cut = cut_from_duals(model, target, np.ones(model.matrix.shape[0]), 3.0)
    pool.remember(model, [cut])
    assert len(pool.earlier(model, req)) == 1

    _, other_req, other = _system(_table(_inner(seed=3, shape=(4, 3, 2))))
    assert pool.earlier(other, other_req) == []

    (entry,) = tmp_path.glob("*.npz")
    entry.write_bytes(b"not an npz file")
    assert pool.earlier(model, req) == []
    assert not entry.exists()  # removed, so the next loop writes a good one
