"""Disclosure control as releases apply it: comparison columns linked to the rows they repeat, people
companions never published, and the publish-time audit reading its rules from the manifest."""

from __future__ import annotations

import json

import polars as pl
import pytest

from flows.config import load_settings
from flows.contracts.tidy import Comparison, Dimension, Measure, Role, TidyTable, check_tidy
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
    frame = pl.DataFrame(
        rows,
        schema=["period", "outcome", "arrests", "arrests_last_year"],
        orient="row",
    ).with_columns(
        arrests_flag=pl.lit(""),
        arrests_last_year_flag=pl.lit(""),
        change=pl.lit(None, pl.Int64),
        change_flag=pl.lit(""),
    )
    table = TidyTable(
        "part_1",
        "Arrests by month and outcome, against a year earlier",
        (
            Dimension("period", "Period", total="All periods"),
            Dimension("outcome", "Outcome", total="All outcomes"),
        ),
        (
            Measure("arrests", "Number of arrests"),
            Measure("arrests_last_year", "A year earlier"),
            Measure("change", "Change", Role.CHANGE, ("arrests", "arrests_last_year")),
        ),
        frame,
        comparison=Comparison(
            "arrests",
            "arrests_last_year",
            "period",
            {
                "Jan 2025": "Jan 2024 (compared with Jan 2025)",
                "Jan 2026": "Jan 2025",
                "All periods": "All periods, a year earlier",
            },
        ),
    )
    return derive_changes(table)


VALUES = {
    ("Jan 2025", "Charged"): 3,
    ("Jan 2025", "Not charged"): 30,
    ("Jan 2026", "Charged"): 20,
    ("Jan 2026", "Not charged"): 25,
}
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
            "[c]" in _flag(out, "arrests_last_year", "Jan 2026", outcome)
        )
    assert "[c]" in _flag(out, "arrests", "Jan 2025", "Charged")
    assert "[c]" in _flag(out, "change", "Jan 2026", "Charged")  # derived from a withheld input
    assert protected.margins_published and protected.audit_rules.zeros_published


def test_the_publish_audit_refuses_a_comparison_that_repeats_a_withheld_row(tmp_path):
    from test_publish_helpers import draft, publish

    settings = load_settings(home=tmp_path / "home")
    table = comparison_table(VALUES, EARLIER)
    protected = protect_release([table], settings)
    safe = protected.tables[0]
    folder = publish(tmp_path / "ok", [safe], audit=protected.audit).path
    assert audit_release_folder(folder).passed
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"][0]["comparison"]["previous_labels"]["Jan 2026"] == "Jan 2025"

    # next year's comparison column left showing Jan 2025's "Not charged" (30, withheld so that Charged = 3
    # cannot be worked out from the total): no small number is shown, so only the linked audit can see it
    assert "[c]" in _flag(safe, "arrests", "Jan 2025", "Not charged")
    leak = safe.frame.with_columns(
        arrests_last_year_flag=pl.when(
            (pl.col("period") == "Jan 2026") & (pl.col("outcome") == "Not charged")
        )
        .then(pl.lit(""))
        .otherwise(pl.col("arrests_last_year_flag")),
        arrests_last_year=table.frame["arrests_last_year"],
    )
    leaky = derive_changes(safe.with_frame(leak))
    with pytest.raises(Exception, match="disclosure audit"):
        draft(settings, [leaky], audit=protected.audit)
    assert list(settings.drafts_dir.iterdir()) == []  # nothing half-written


def test_people_counts_are_never_written():
    table = comparison_table(VALUES, EARLIER)
    people = table.with_frame(
        table.frame.with_columns(arrests_people=pl.col("arrests"), arrests_people_flag=pl.lit(""))
    )
    people = TidyTable(
        people.name,
        people.title,
        people.dimensions,
        (*people.measures, Measure("arrests_people", "People", Role.PEOPLE)),
        people.frame,
        comparison=people.comparison,
    )
    with pytest.raises(GridError, match="never published"):
        build_grid(people)


def test_a_force_can_fix_its_strategy_and_topic_thresholds_in_its_config(tmp_path):
    from flows.config import ConfigError
    from flows.release.protection import release_policy

    config = tmp_path / "disclose.toml"
    config.write_text(
        f'[disclose]\nhome = "{tmp_path / "home"}"\nthreshold = 5\n[disclose.disclosure]\nstrategy = "round"\n'
        'overrides = [{k = 10, dimension = "outcome", labels = ["Charged"]}]\n'
    )
    policy = release_policy(load_settings(config))
    assert policy.strategy == "round" and policy.k == 5 and policy.overrides[0].k == 10
    from test_publish_helpers import publish

    protected = protect_release([comparison_table(VALUES, EARLIER)], load_settings(config))
    (out,) = protected.tables
    folder = publish(tmp_path / "published", [out], audit=protected.audit).path
    assert json.loads((folder / "manifest.json").read_text())["tables"][0]["rounded_to"] == 5
    assert audit_release_folder(folder).passed  # the audit knows the figures are rounded
    assert out.rounded_to == 5 and set(out.frame["arrests"].to_list()) <= {
        0,
        5,
        10,
        15,
        20,
        25,
        30,
        35,
        40,
        45,
        50,
        55,
        60,
        65,
        70,
        75,
        80,
    }
    config.write_text('[disclose.disclosure]\nstratgy = "round"\n')
    with pytest.raises(ConfigError, match="disclosure.stratgy"):
        load_settings(config)


def test_zeros_the_group_rule_hid_keep_the_cumulative_audit_consistent(tmp_path):
    """A small row with everyone in one outcome has its zeros withheld too; the record must let the cumulative
    audit take such a [c] as possibly 0 (as the release audit does), or it finds the figures contradictory."""
    from sdc_tables import with_margins

    from flows.release.record import audit_record
    from flows.sdc.history import Axes

    groups = ["Robbery", "Theft", "Burglary", "Drugs", "Weapons", "Fraud"]
    outcomes = ["Charged", "Not charged", "Outcome pending"]
    inner = {(g, o): 20 + 7 * i + 3 * j for i, g in enumerate(groups[:-1]) for j, o in enumerate(outcomes)}
    inner |= {("Fraud", "Charged"): 3, ("Fraud", "Not charged"): 0, ("Fraud", "Outcome pending"): 0}
    table = with_margins(
        "by_group_outcome",
        [("offence_group", groups, "All offences"), ("outcome", outcomes, "All outcomes")],
        inner,
    )
    codes = {g: frozenset({g[:3].upper()}) for g in groups}
    values = {o: frozenset({o}) for o in outcomes}
    axes = Axes(
        {
            "offence_group": ("offence", codes | {"All offences": frozenset().union(*codes.values())}),
            "outcome": ("outcome", values | {"All outcomes": frozenset(outcomes)}),
        }
    )
    settings = load_settings(home=tmp_path)
    protected = protect_release([table], settings, populations={"by_group_outcome": axes}, reference="A")
    (out,) = protected.tables
    zeros = out.frame.filter((pl.col("offence_group") == "Fraud") & (pl.col("arrests") == 0))
    assert zeros.height == 2 and all("[c]" in f for f in zeros["arrests_flag"])  # the group rule hid them
    cells = protected.cells("A/v1")
    assert {c.labels for c in cells if c.may_be_zero} >= {
        (("offence_group", "Fraud"), ("outcome", o)) for o in ("Not charged", "Outcome pending")
    }
    assert not any(c.may_be_zero for c in cells if dict(c.labels)["outcome"] == "All outcomes")
    assert audit_record(settings, extra=cells).passed
    # the cumulative check run while protecting must read the new cells the same way. An earlier release gave
    # every other group's "Not charged" figure and their total, which pins the hidden Fraud zero at 0: taking
    # that [c] as at least 1 found the figures contradictory and refused a table that withholding more saves
    # (the nightly's standing tables were refused so)
    from flows.release.protection import release_policy
    from flows.sdc.cumulative import Cumulative
    from flows.sdc.history import PublishedCell

    not_charged = {"outcome": frozenset({"Not charged"})}
    earlier = [
        PublishedCell(
            "A/v1",
            "by_offence",
            "arrests",
            (("offence_group", g),),
            inner[(g, "Not charged")],
            "",
            {"offence": codes[g]} | not_charged,
        )
        for g in groups[:-1]
    ]
    earlier.append(
        PublishedCell(
            "A/v1",
            "by_offence",
            "arrests",
            (("offence_group", "All offences"),),
            sum(inner[(g, "Not charged")] for g in groups),
            "",
            {"offence": frozenset().union(*codes.values())} | not_charged,
        )
    )
    later = Cumulative(
        earlier, {"by_group_outcome": axes}, "B (being prepared)", "", release_policy(settings)
    )
    assert later.more_to_hide(protected.tables)  # cells to withhold, not "nothing can help"


def test_a_first_release_is_never_rounded_because_it_enters_the_record(tmp_path):
    """With nothing published yet, rounding scored best for this small table (1, 3, 1 of 5), but a rounded
    figure recorded as a count contradicts the true ones: the draft's own check then refused it. A release
    with populations is checked as the record will see it, so it is answered some other way."""
    from sdc_tables import with_margins

    from flows.release.record import audit_record
    from flows.sdc.history import Axes

    bands = ["18 to 20", "21 to 24", "25 to 29", "30 to 39", "40 to 49", "60 and over"]
    table = with_margins(
        "by_age",
        [("age_band", bands, "All ages")],
        {
            ("18 to 20",): 0,
            ("21 to 24",): 0,
            ("25 to 29",): 1,
            ("30 to 39",): 3,
            ("40 to 49",): 0,
            ("60 and over",): 1,
        },
    )
    axes = Axes({"age_band": ("age", {b: frozenset({b}) for b in bands} | {"All ages": frozenset(bands)})})
    settings = load_settings(home=tmp_path)
    protected = protect_release([table], settings, populations={"by_age": axes}, reference="A")
    assert "round" not in protected.policy
    assert audit_record(settings, extra=protected.cells("A/v1")).passed
