"""Disclosure control as releases apply it: comparison columns linked to the rows they repeat, people
companions never published, and the publish-time audit reading its rules from the manifest."""

from __future__ import annotations

import json

import polars as pl
import pytest

from flows.config import load_settings
from flows.contracts.tidy import Comparison, Dimension, Measure, Role, TidyTable, check_tidy
from flows.publish import publish_release
from flows.publish.grid import GridError, build_grid
from flows.release.comparison_link import join, split
from flows.release.protection import protect_release
from flows.requests.derived import derive_changes
from flows.sdc_audit import audit_release_folder

MONTHS = ["Jan 2025", "Jan 2026"]
OUTCOMES = ["Charged", "Not charged"]


def comparison_table(values: dict[tuple[str, str], int], earlier_2024: dict[str, int]) -> TidyTable:
    """Two months and their totals; Jan 2026's year-earlier figure is the Jan 2025 row itself."""
    rows = []
    for month in [*MONTHS, "All periods"]:
        for outcome in [*OUTCOMES, "All outcomes"]:
            def now(m: str, o: str) -> int:
                if m == "All periods":
                    return sum(now(x, o) for x in MONTHS)
                return values[(m, o)] if o != "All outcomes" else sum(values[(m, x)] for x in OUTCOMES)

            def before(m: str, o: str) -> int:
                if m == "All periods":
                    return sum(before(x, o) for x in MONTHS)
                if o == "All outcomes":
                    return sum(before(m, x) for x in OUTCOMES)
                return now("Jan 2025", o) if m == "Jan 2026" else earlier_2024[o]

            rows.append((month, outcome, now(month, outcome), before(month, outcome)))
    frame = pl.DataFrame(rows, schema=["period", "outcome", "arrests", "arrests_last_year"], orient="row",
                         ).with_columns(arrests_flag=pl.lit(""), arrests_last_year_flag=pl.lit(""),
                                        change=pl.lit(None, pl.Int64), change_flag=pl.lit(""))
    table = TidyTable(
        "part_1", "Arrests by month and outcome, against a year earlier",
        (Dimension("period", "Period", total="All periods"), Dimension("outcome", "Outcome", total="All outcomes")),
        (Measure("arrests", "Number of arrests"), Measure("arrests_last_year", "A year earlier"),
         Measure("change", "Change", Role.CHANGE, ("arrests", "arrests_last_year"))),
        frame,
        comparison=Comparison("arrests", "arrests_last_year", "period",
                              {"Jan 2025": "Jan 2024 (compared with Jan 2025)", "Jan 2026": "Jan 2025",
                               "All periods": "All periods, a year earlier"}),
    )
    return derive_changes(table)


VALUES = {("Jan 2025", "Charged"): 3, ("Jan 2025", "Not charged"): 30,
          ("Jan 2026", "Charged"): 20, ("Jan 2026", "Not charged"): 25}
EARLIER = {"Charged": 12, "Not charged": 14}


def _flag(table: TidyTable, measure: str, period: str, outcome: str) -> str:
    row = table.frame.filter((pl.col("period") == period) & (pl.col("outcome") == outcome))
    return row[f"{measure}_flag"].item()


def test_split_links_a_repeated_window_and_join_restores_the_table():
    table = comparison_table(VALUES, EARLIER)
    own, earlier = split(table)
    assert [m.name for m in own.measures] == ["arrests"] and [m.name for m in earlier.measures] == ["arrests"]
    assert "Jan 2025" in earlier.frame["period"].to_list()  # the same window: one cell for disclosure control
    assert earlier.dimensions[0].total is None  # the earlier total counts other days: not the table's total
    check_tidy(earlier)
    back = join(table, [own, earlier])
    assert back.frame.equals(table.frame.select(back.frame.columns)) and back.measures == table.measures


def test_a_figure_withheld_as_a_row_is_withheld_as_next_years_comparison(tmp_path):
    settings = load_settings(home=tmp_path)
    protected = protect_release([comparison_table(VALUES, EARLIER)], settings)
    (out,) = protected.tables
    for outcome in OUTCOMES:
        assert ("[c]" in _flag(out, "arrests", "Jan 2025", outcome)) == (
            "[c]" in _flag(out, "arrests_last_year", "Jan 2026", outcome))
    assert "[c]" in _flag(out, "arrests", "Jan 2025", "Charged")
    assert "[c]" in _flag(out, "change", "Jan 2026", "Charged")  # derived from a withheld input
    assert protected.margins_published and protected.audit_rules.zeros_published


def test_the_publish_audit_refuses_a_comparison_that_repeats_a_withheld_row(tmp_path):
    from test_publish_helpers import make_context

    table = comparison_table(VALUES, EARLIER)
    protected = protect_release([table], load_settings(home=tmp_path))
    safe = protected.tables[0]
    folder = publish_release([safe], make_context(), tmp_path / "ok", audit=protected.audit).path
    assert audit_release_folder(folder).passed
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"][0]["comparison"]["previous_labels"]["Jan 2026"] == "Jan 2025"

    # next year's comparison column left showing Jan 2025's "Not charged" (30, withheld so that Charged = 3
    # cannot be worked out from the total): no small number is shown, so only the linked audit can see it
    assert "[c]" in _flag(safe, "arrests", "Jan 2025", "Not charged")
    leak = safe.frame.with_columns(
        arrests_last_year_flag=pl.when((pl.col("period") == "Jan 2026") & (pl.col("outcome") == "Not charged"))
        .then(pl.lit(""))
        .otherwise(pl.col("arrests_last_year_flag")),
        arrests_last_year=table.frame["arrests_last_year"])
    leaky = derive_changes(safe.with_frame(leak))
    with pytest.raises(Exception, match="disclosure audit"):
        publish_release([leaky], make_context(), tmp_path / "leak", audit=protected.audit)
    assert not (tmp_path / "leak" / "01.FOI.22.025326").exists()  # nothing half-written


def test_people_counts_are_never_written():
    table = comparison_table(VALUES, EARLIER)
    people = table.with_frame(table.frame.with_columns(arrests_people=pl.col("arrests"),
                                                       arrests_people_flag=pl.lit("")))
    people = TidyTable(people.name, people.title, people.dimensions,
                       (*people.measures, Measure("arrests_people", "People", Role.PEOPLE)), people.frame,
                       comparison=people.comparison)
    with pytest.raises(GridError, match="never published"):
        build_grid(people)


def test_a_force_can_fix_its_strategy_and_topic_thresholds_in_its_config(tmp_path):
    from flows.config import ConfigError
    from flows.release.protection import release_policy

    config = tmp_path / "disclose.toml"
    config.write_text('[disclose]\nthreshold = 5\n[disclose.disclosure]\nstrategy = "round"\n'
                      'overrides = [{k = 10, dimension = "outcome", labels = ["Charged"]}]\n')
    policy = release_policy(load_settings(config))
    assert policy.strategy == "round" and policy.k == 5 and policy.overrides[0].k == 10
    from test_publish_helpers import make_context

    protected = protect_release([comparison_table(VALUES, EARLIER)], load_settings(config))
    (out,) = protected.tables
    folder = publish_release([out], make_context(), tmp_path / "published", audit=protected.audit).path
    assert json.loads((folder / "manifest.json").read_text())["tables"][0]["rounded_to"] == 5
    assert audit_release_folder(folder).passed  # the audit knows the figures are rounded
    assert out.rounded_to == 5 and set(out.frame["arrests"].to_list()) <= {0, 5, 10, 15, 20, 25, 30, 35, 40, 45,
                                                                             50, 55, 60, 65, 70, 75, 80}
    config.write_text('[disclose.disclosure]\nstratgy = "round"\n')
    with pytest.raises(ConfigError, match="disclosure.stratgy"):
        load_settings(config)


def test_a_withdrawn_release_stays_in_the_record_and_in_later_checks(tmp_path):
    from flows.release.record import load_history, record_release, withdraw
    from flows.sdc.history import PublishedCell

    settings = load_settings(home=tmp_path)
    cell = PublishedCell("A/v1", "part_1", "arrests", (("period", "2021"),), 12, "2026-01-01T00:00:00",
                         {"day": frozenset({"2021-01-01"})})
    record_release(settings, "A/v1", [cell])
    record_release(settings, "A/v2", [PublishedCell("A/v2", *list(cell.__dict__.values())[1:])])
    assert withdraw(settings, "A/v2") == 1
    statuses = {c.release_id: c.status for c in load_history(settings)}
    assert statuses == {"A/v1": "superseded", "A/v2": "withdrawn"}
    with pytest.raises(LookupError, match="not in the publication record"):
        withdraw(settings, "B/v1")
