"""Protecting a table again from its previous version's pattern (flows/sdc/reuse.py): kept only when it still
protects the new figures, with a bound that is a true lower bound on the least loss; repaired when the check
finds a cell exposed; exactly the old behaviour with the policy's knob off."""

from __future__ import annotations

from sdc_tables import hidden, with_margins

from flows.sdc.policy import SdcPolicy
from flows.sdc.protect import protect

PLAIN = SdcPolicy(group_rule="off", strategy="suppress")
EXACT = PLAIN.model_copy(update={"gap_target": 0.0, "mip_gap": 0.0, "reuse_previous_pattern": False})
OFFENCES = ["Burglary", "Robbery", "Shoplifting", "Drugs"]
YEARS = ["2021", "2022", "2023"]
FIRST = {
    ("Burglary", "2021"): 2,
    ("Burglary", "2022"): 14,
    ("Burglary", "2023"): 11,
    ("Robbery", "2021"): 9,
    ("Robbery", "2022"): 3,
    ("Robbery", "2023"): 17,
    ("Shoplifting", "2021"): 40,
    ("Shoplifting", "2022"): 38,
    ("Shoplifting", "2023"): 45,
    ("Drugs", "2021"): 12,
    ("Drugs", "2022"): 8,
    ("Drugs", "2023"): 26,
}


def table(inner: dict) -> object:
    dims = [("offence", OFFENCES, "All offences"), ("year", YEARS, "All years")]
    return with_margins("arrests_by_year", dims, inner)


def withheld(out) -> list:
    """The previous version's withheld cells, as the release code reads them from its draft."""
    t = out.tables[0]
    return [(t.name, (("offence", o), ("year", y)), "arrests") for o, y in hidden(t)]


def test_a_small_change_keeps_the_previous_pattern_with_a_true_bound():
    first = protect([table(FIRST)], PLAIN)
    later = {**FIRST, ("Shoplifting", "2023"): 47}  # two late records: every sensitive cell the same
    again = protect([table(later)], PLAIN, previous=withheld(first))
    assert "previous pattern, re-checked" in again.method
    assert again.audit.passed
    assert hidden(again.tables[0]) == hidden(first.tables[0])
    optimum = protect([table(later)], EXACT)
    assert "optimal" in optimum.method
    assert again.optimality.bound <= optimum.optimality.cost + 1e-9  # a true lower bound
    assert again.optimality.cost >= optimum.optimality.cost - 1e-9
    assert again.optimality.gap <= PLAIN.reuse_max_gap


def test_a_count_that_becomes_small_is_withheld_too():
    first = protect([table(FIRST)], PLAIN)
    later = {**FIRST, ("Drugs", "2022"): 2}  # records recoded elsewhere: now sensitive
    again = protect([table(later)], PLAIN, previous=withheld(first))
    assert ("Drugs", "2022") in hidden(again.tables[0])
    assert again.audit.passed
    assert again.optimality.bound <= protect([table(later)], EXACT).optimality.cost + 1e-9


def test_a_previous_pattern_that_no_longer_protects_is_repaired():
    # only the small cell and one partner in its row: the column still gives the small cell away
    previous = [
        ("arrests_by_year", (("offence", "Burglary"), ("year", "2021")), "arrests"),
        ("arrests_by_year", (("offence", "Burglary"), ("year", "2023")), "arrests"),
    ]
    again = protect([table(FIRST)], PLAIN, previous=previous)
    assert again.audit.passed
    assert hidden(again.tables[0]) != {("Burglary", "2021"), ("Burglary", "2023")}
    # repaired and proven near the least loss, or solved again from it
    assert "previous pattern, repaired" in again.method or "optimal" in again.method
    assert again.optimality.gap <= PLAIN.reuse_max_gap


def test_with_the_knob_off_the_previous_pattern_is_ignored():
    off = PLAIN.model_copy(update={"reuse_previous_pattern": False})
    previous = [
        ("arrests_by_year", (("offence", o), ("year", y)), "arrests") for o in OFFENCES for y in YEARS
    ]
    plain = protect([table(FIRST)], off)
    given = protect([table(FIRST)], off, previous=previous)  # every inner cell: would be kept if reused
    assert given.method == plain.method and "previous" not in given.method
    assert given.tables[0].frame.equals(plain.tables[0].frame)
    on = protect([table(FIRST)], PLAIN, previous=previous)
    assert "previous pattern" in on.method and on.audit.passed


def test_a_reference_protected_again_starts_from_its_latest_draft(tmp_path):
    """The release path: re-drafting a reference (a standing period whose counts late records changed) reads
    the cells its latest draft withheld; another reference does not."""
    from test_publish_helpers import make_context
    from test_release_lifecycle import year_axes

    from flows.config import load_settings
    from flows.release.draft import write_draft
    from flows.release.protection import protect_release

    settings = load_settings(home=tmp_path / "home", organisation="Test Constabulary", operator="analyst")

    def halves(h1: int, reference: str, dataset: str | None = None):
        t = with_margins("h", [("period", ["H1", "H2"], "2021")], {("H1",): h1, ("H2",): 3})
        axes = {"h": year_axes(["H1", "H2", "2021"])}
        return protect_release([t], settings, populations=axes, reference=reference, dataset=dataset)

    first = halves(17, "halves")
    assert "previous" not in first.method
    write_draft(settings, first.tables, make_context(reference="halves", request=None), first, "standing")
    again = halves(18, "halves")
    assert "previous pattern, re-checked" in again.method
    assert hidden(again.tables[0], "arrests") == {("H1",), ("H2",)}
    assert "previous" not in halves(17, "other").method  # the same figures: "halves" awaits approval
    # a standing dataset's next period starts from the latest earlier period's draft (same figures here: the
    # populations are the same, and "halves" awaits approval)
    period = halves(17, "ds.2021", dataset="ds")
    assert "previous" not in period.method
    write_draft(settings, period.tables, make_context(reference="ds.2021", request=None), period, "standing")
    assert "previous" in halves(17, "ds.2022", dataset="ds").method
