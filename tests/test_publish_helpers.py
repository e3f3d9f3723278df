"""Builders shared by the publish and guard tests: two small tables through (hand-made) disclosure control.

The tables hold true small counts (3, 4) flagged [c], a secondary [c] (12), a hidden rate (0.4), a shown
value with [p], and a published rate below k (2.0) that only the manifest's roles show is not a count.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import polars as pl
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from flows.config import Settings
from flows.contracts.letter import PartAnswer
from flows.contracts.manifest import CodeVersion, DisclosurePolicy, WarehouseState
from flows.contracts.release import ReleaseId, next_release_id
from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, check_tidy
from flows.publish import BuiltRelease, Exemption, FoiRequest, ReleaseContext, prepare_grids, write_release

K = 5
HIDDEN_VALUES = {3, 4, 12, 0.4}
ORG = "Test Constabulary"
REFERENCE = "01.FOI.22.025326"


def offence_table(robbery_2023: int = 9) -> TidyTable:
    frame = pl.DataFrame(
        {
            "offence_group": ["Robbery", "Theft offences", "All offences"] * 2,
            "year": ["2022"] * 3 + ["2023"] * 3,
            "arrests": [3, 12, 15, robbery_2023, 40, robbery_2023 + 40],
            "arrests_flag": ["[c]", "[c]", "", "", "", "[p]"],
        }
    )
    return TidyTable(
        name="arrests_by_offence_group_year",
        title="Arrests by offence group and year, 2022 to 2023",
        dimensions=(
            Dimension(
                "offence_group",
                "Offence group",
                total="All offences",
                codes={"Robbery": "ROB", "Theft offences": "THF"},
            ),
            Dimension("year", "Year"),
        ),
        measures=(Measure("arrests", "Arrests (number)"),),
        frame=frame,
        notes=("Arrests are counted by principal offence.",),
    )


def district_table() -> TidyTable:
    frame = pl.DataFrame(
        {
            "district": ["North", "South", "East"],
            "arrests": [4, 25, 60],
            "arrests_flag": ["[c]", "", ""],
            "rate": [0.4, 2.0, 6.0],
            "rate_flag": ["[c]", "", ""],
        }
    )
    return TidyTable(
        name="arrest_rates_by_district",
        title="Arrests and arrest rate by district, 2023",
        dimensions=(Dimension("district", "District"),),
        measures=(
            Measure("arrests", "Arrests (number)"),
            Measure("rate", "Arrest rate (per 1,000 population)", Role.RATE, ("arrests",)),
        ),
        frame=frame,
    )


def make_context(**overrides: object) -> ReleaseContext:
    values: dict[str, object] = dict(
        reference=REFERENCE,
        title="Arrests by offence group, year and district, 2022 to 2023",
        organisation=ORG,
        contact="Freedom of Information Unit",
        synthetic=False,
        threshold=K,
        published=date(2025, 1, 10),
        as_at=datetime(2025, 1, 9, 6, 0),
        notes=[
            "An arrest is counted once, under its principal offence.",
            f"Counts from 1 to {K - 1} are withheld and shown as [c]; other cells may be withheld too.",
        ],
        request=FoiRequest(
            request_text="Please tell me the number of arrests for robbery and theft in 2022 and 2023.",
            date_received=date(2024, 12, 20),
            parts=[
                PartAnswer(
                    id="1",
                    question="Arrests by offence group, 2022 and 2023",
                    response="data",
                    interpretation="Offence groups are the Home Office notifiable arrest groups.",
                    table="arrests_by_offence_group_year",
                    table_title="Arrests by offence group and year, 2022 to 2023",
                )
            ],
            outcome="Partially disclosed",
            exemptions=[Exemption(section="s.40(2)"), Exemption(section="s.30(1)")],
        ),
        reference_data_version="2025.1",
        reference_data_sha256="a" * 64,
        code=CodeVersion(package_version="0.1.0", git_sha=None, git_dirty=None, lock_sha256=None),
        warehouse=WarehouseState(as_at=datetime(2025, 1, 9, 6, 0), extracts=[], extract_set_sha256="b" * 64),
        policy=DisclosurePolicy(
            threshold=K, method="primary and secondary suppression", policy="default", margins_published=True
        ),
    )
    values.update(overrides)
    return ReleaseContext(**values)


def publish(
    where: Path, tables: list[TidyTable] | None = None, audit=None, **overrides: object
) -> BuiltRelease:
    """The writers and the guard only: build the next version's folder under ``where`` (no lifecycle)."""
    context = make_context(**overrides)
    grids, context = prepare_grids(tables or [offence_table(), district_table()], context)
    release_id: ReleaseId = next_release_id(where, context.reference)
    return write_release(release_id.path_under(where), grids, context, release_id, audit)


def hand_protected(tables: list[TidyTable], audit=None):
    """Tables flagged by hand, as disclosure control would hand them on (no populations: no record cells)."""
    from flows.release.protection import Protected

    return Protected(list(tables), [], "flagged by hand", "test", True, audit=audit)


def draft(settings: Settings, tables: list[TidyTable] | None = None, audit=None, **overrides: object):
    """The lifecycle's draft step on hand-flagged tables (flows/release/draft.py)."""
    from flows.release.draft import write_draft

    tables = tables or [offence_table(), district_table()]
    context = make_context(**overrides)
    return write_draft(
        settings,
        tables,
        context,
        hand_protected(tables, audit),
        "foi" if context.request is not None else "standing",
    )


def sign_off(settings: Settings, results: list) -> list:
    """Approve (as a second person) and publish every draft in ``results``, as an FOI officer would."""
    from flows.release.approve import approve
    from flows.release.publish import publish as publish_draft

    out = []
    for drafted in results:
        approve(settings, drafted.release_id, by="Second Officer")
        out.append(publish_draft(settings, drafted.release_id))
    return out


def table_values(xlsx: Path, sheet: str) -> list[list[object]]:
    """Header and body of the one marked-up table on ``sheet``."""
    wb = load_workbook(xlsx)
    ws = wb[sheet]
    (table,) = ws.tables.values()
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    return [[ws.cell(r, c).value for c in range(min_col, max_col + 1)] for r in range(min_row, max_row + 1)]


def csv_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    return list(csv.reader(io.StringIO("".join(lines), newline="")))


def test_sample_tables_keep_the_tidy_contract_and_hide_small_counts() -> None:
    for table in (offence_table(), district_table()):
        check_tidy(table)
        for m in table.measures:
            small = table.frame.filter((pl.col(m.name) > 0) & (pl.col(m.name) < K) & (m.role == Role.COUNT))
            assert (small[m.flag] == "[c]").all()
    true_counts = offence_table().frame["arrests"].to_list() + district_table().frame["arrests"].to_list()
    assert {3, 4} <= set(true_counts)  # the tests below are only meaningful if small counts exist
