"""Know the optimum: every protected table states its cost and a proven lower bound, checked here against the
least cost found by trying every pattern of withheld cells on tiny tables."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdc_tables import with_margins

from flows.sdc.lp import TOL, Attacker, DeviationModel
from flows.sdc.policy import SdcPolicy
from flows.sdc.protect import protect
from flows.sdc.rules import FREE, HIDDEN, sensitivity
from flows.sdc.solve import cell_costs
from flows.sdc.system import build_system

PLAIN = SdcPolicy(group_rule="off", strategy="suppress")


def protects(model: DeviationModel, req, hidden: np.ndarray) -> bool:
    """Every withheld cell asked of the whole system, one by one (no shortcuts)."""
    attacker = Attacker(model, hidden)
    return all(attacker.max_rise(int(i)) >= req.upl[i] - TOL for i in np.flatnonzero(hidden))


def least_cost_by_enumeration(table, policy: SdcPolicy) -> float:
    """Try every pattern of the cells the suppressor may withhold; keep the cheapest the intruder model cannot
    narrow (the suppressor's own model: the bound claims to hold for it)."""
    system = build_system([table], policy)
    req = sensitivity([table], system, policy)
    model = DeviationModel.build(system, req)
    cost = cell_costs(system.value_array(), policy.cost)
    free = np.flatnonzero(req.state == FREE)
    best = np.inf
    for size in range(free.size + 1):
        for chosen in itertools.combinations(free, size):
            hidden = req.state == HIDDEN
            hidden[list(chosen)] = True
            total = cost[hidden].sum()
            if total < best and protects(model, req, hidden):
                best = total
    return float(best)


@st.composite
def tiny_tables(draw):
    shape = draw(st.sampled_from([(3,), (4,), (2, 2), (2, 3), (3, 2)]))
    dims = [(f"d{i}", [f"d{i}-{j}" for j in range(n)], f"All d{i}") for i, n in enumerate(shape)]
    inner = {
        leaf: draw(st.sampled_from([0, 1, 2, 3, 5, 7, 12]))
        for leaf in itertools.product(*(d[1] for d in dims))
    }
    return (
        with_margins("tiny", dims, inner),
        draw(st.sampled_from(["values", "cells"])),
        draw(st.sampled_from([0, 10**6])),
    )


@given(tiny_tables())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
def test_the_stated_bound_never_exceeds_the_least_cost_and_the_cost_is_what_was_withheld(case):
    table, cost, exact_max_cells = case
    policy = PLAIN.model_copy(update={"cost": cost, "exact_max_cells": exact_max_cells})
    out = protect([table], policy)
    found = out.optimality
    least = least_cost_by_enumeration(table, policy)
    withheld = out.tables[0].frame.filter(
        out.tables[0].frame["arrests_flag"].str.contains("[c]", literal=True)
    )
    assert found.cost == (withheld.height if cost == "cells" else withheld["arrests"].sum() + withheld.height)
    assert found.bound <= least + 1e-6 <= found.cost + 1e-6
    assert abs(found.gap - (found.cost - found.bound) / found.cost) < 1e-9 if found.cost else found.gap == 0


def test_the_exact_solver_proves_its_pattern_within_the_policy_gap():
    values = {
        ("A", "2021"): 2,
        ("A", "2022"): 9,
        ("A", "2023"): 14,
        ("B", "2021"): 11,
        ("B", "2022"): 3,
        ("B", "2023"): 8,
        ("C", "2021"): 6,
        ("C", "2022"): 7,
        ("C", "2023"): 1,
    }
    table = with_margins(
        "t",
        [("offence", ["A", "B", "C"], "All offences"), ("year", ["2021", "2022", "2023"], "All years")],
        values,
    )
    out = protect([table], PLAIN)
    assert out.method.startswith("threshold") and "optimal" in out.method
    least = least_cost_by_enumeration(table, PLAIN)
    assert out.optimality.bound <= least <= out.optimality.cost <= least * (1 + PLAIN.mip_gap)
    assert out.optimality.gap <= PLAIN.mip_gap + 1e-9


def test_the_exact_loop_stops_once_a_protecting_pattern_is_within_the_gap_target():
    """Each failing master pattern is repaired into a protecting one; the loop stops when the cheapest is
    proven within ``gap_target`` of the least loss, and runs on to the optimum when the target is 0."""
    from flows.sdc.bench import seeded_table

    table = seeded_table("small", seed=2)  # the first master patterns fail the check
    exact = protect([table], SdcPolicy(strategy="suppress", group_rule="off", gap_target=0.0))
    early = protect([table], SdcPolicy(strategy="suppress", group_rule="off", gap_target=0.05))
    assert "(optimal)" in exact.method and exact.audit.passed and early.audit.passed
    assert "within the gap target" in early.method
    assert exact.optimality.cost <= early.optimality.cost
    assert early.optimality.gap <= 0.05 and early.optimality.bound <= exact.optimality.cost + 1e-6


def test_the_heuristic_states_the_lp_relaxation_as_its_bound():
    """Above ``exact_max_cells`` the bound is the master's LP relaxation: HiGHS reports a MIP dual bound of 0
    for an LP, which made every such table claim a 100% gap."""
    from flows.sdc.bench import seeded_table

    table = seeded_table("small", seed=2)
    heuristic = protect([table], SdcPolicy(strategy="suppress", group_rule="off", exact_max_cells=0))
    exact = protect([table], SdcPolicy(strategy="suppress", group_rule="off", gap_target=0.0))
    assert "heuristic" in heuristic.method and heuristic.audit.passed
    assert 0 < heuristic.optimality.bound <= exact.optimality.cost + 1e-6
    assert heuristic.optimality.gap < 1


def test_nothing_to_withhold_costs_nothing():
    table = with_margins("t", [("offence", ["A", "B"], "All offences")], {("A",): 7, ("B",): 9})
    found = protect([table], PLAIN).optimality
    assert (found.cost, found.bound, found.gap) == (0.0, 0.0, 0.0)


@st.composite
def patterns(draw):
    """A small table with margins and an arbitrary pattern over the cells the suppressor may withhold."""
    shape = draw(st.sampled_from([(3, 3), (2, 4), (3, 2, 2), (4, 3)]))
    dims = [(f"d{i}", [f"d{i}-{j}" for j in range(n)], f"All d{i}") for i, n in enumerate(shape)]
    leaves = list(itertools.product(*(d[1] for d in dims)))
    inner = {leaf: draw(st.sampled_from([0, 1, 2, 3, 4, 6, 9, 15])) for leaf in leaves}
    table = with_margins("t", dims, inner)
    system = build_system([table], PLAIN)
    req = sensitivity([table], system, PLAIN)
    free = np.flatnonzero(req.state == FREE)
    extra = (
        draw(st.lists(st.sampled_from(free.tolist()), unique=True, max_size=free.size)) if free.size else []
    )
    hidden = req.state == HIDDEN
    hidden[extra] = True
    return system, req, hidden


@given(patterns())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
def test_the_fast_check_agrees_with_asking_the_whole_system_for_every_cell(case):
    """Proving cells by movements found while asking about other cells is a shortcut, never a different
    answer."""
    from flows.sdc.check import failures

    system, req, hidden = case
    model = DeviationModel.build(system, req)
    assert (not failures(model, req, hidden)) == protects(model, req, hidden)


def test_a_master_mip_stops_once_its_bound_is_enough_and_that_bound_still_holds():
    """The exact loop stops once its cheapest protecting pattern is within the gap target of the bound, so a
    master MIP is interrupted as soon as its bound gets there; the bound it reports is still a proven one."""
    from flows.sdc.bench import seeded_table
    from flows.sdc.heuristic import protect_sequentially
    from flows.sdc.master import Master

    table = seeded_table("small", seed=2)
    system = build_system([table], PLAIN)
    req = sensitivity([table], system, PLAIN)
    model = DeviationModel.build(system, req)
    cost = cell_costs(system.value_array(), PLAIN.cost)
    full = Master(model, req, cost).solve(60, 0.0)
    assert full[2]  # solved to optimality: its bound is the master's optimum
    start = protect_sequentially(model, req, cost, system=system)
    early = Master(model, req, cost)
    early.start_from(start)
    early.enough = 0.9 * full[1]
    pattern, bound, optimal = early.solve(60, 0.0)
    assert not optimal and pattern is not None
    assert 0.9 * full[1] <= bound <= full[1] + 1e-6
