"""End to end: an extract whose offence codes are mostly local codes (well-formed, not in the reference data)
loads under the default 1% quarantine limit, is counted under "Unrecognised offence code" in core, the mart and
the standing annual table, draws a GX warning that does not block publication, and the release notes state the
share of the table's arrests it makes up, rounded, never the count. Expected figures are counted here with the
csv module from the rows written, independently of the pipeline."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections import Counter
from datetime import date

import pytest
from test_publish_helpers import sign_off

from flows.config import PROJECT_ROOT, load_settings
from flows.db import connect
from flows.pipeline import (
    NIGHTLY_SUITES,
    RunResult,
    check_ingest,
    stage_ingest,
    stage_transform,
    stage_validate,
)
from flows.release.make import release as draft_release
from flows.release.standing import due_sources
from tests.corpus.cases import CUSTODY_HEADER

ANNUAL = PROJECT_ROOT / "data" / "requests" / "standing" / "arrests-by-offence-group-year-outcome.yaml"
UNR = "Unrecognised offence code"
DISPOSALS = ("Charged", "No further action")
ROWS = 1_200  # >= 200 k arrests, so the notes may state a share (flows/requests/code_shares.py)


def _known_codes() -> list[str]:
    with (PROJECT_ROOT / "data" / "reference" / "offences.csv").open(encoding="utf-8") as f:
        return [row["cjs_code"] for row in csv.DictReader(f)]


def _extract() -> str:
    """One arrest per custody record in 2024 and 2025; six in seven under local codes shaped like CJS codes.
    Few, full cells (no small numbers), so disclosure control has little to do and the test stays quick."""
    lines = [CUSTODY_HEADER]
    for i in range(ROWS):
        code = "TH68010" if i % 7 == 0 else f"XX{10 + i % 80:02d}{i % 997:03d}"
        disposal = DISPOSALS[(i // 2) % 2]
        arrested = date(2024 + i % 2, 1 + i % 12, 1 + i % 28)
        lines.append(
            f"C{i},P{i % 400},{arrested:%d/%m/%Y} 10:00,1,{code},desc,{disposal},{arrested:%d/%m/%Y},"
            f"{18 + i % 50},Male,W1,Lloyd House,31/01/2026 02:00"
        )
    return "\n".join(lines) + "\n"


def _independent(text: str) -> tuple[Counter, int, int]:
    """(arrests under codes not in offences.csv by year, those in all, all arrests) from the CSV alone."""
    known = set(_known_codes())
    rows = list(csv.DictReader(io.StringIO(text)))
    unknown = [r for r in rows if r["offence_code"] not in known]
    return Counter(r["arrest_datetime"][6:10] for r in unknown), len(unknown), len(rows)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unrecognised")
    (tmp / "requests" / "standing").mkdir(parents=True)
    shutil.copy(ANNUAL, tmp / "requests" / "standing" / ANNUAL.name)  # the annual table only: 2025 is due
    settings = load_settings(home=tmp / "home", requests_dir=tmp / "requests", synthetic=True)
    assert settings.quarantine_max_share == 0.01  # the default limit
    text = _extract()
    settings.landing_dir.mkdir(parents=True)
    (settings.landing_dir / "custody_20260131T0200_full.csv").write_text(text, encoding="utf-8")
    report = stage_ingest(settings)
    check_ingest(report)
    stage_transform(settings)
    validations = stage_validate(
        settings, NIGHTLY_SUITES, "unrecognised-test"
    ).reports  # raises if anything blocks
    drafts = [
        r
        for source in due_sources(settings, today=date(2026, 3, 2))[0]
        for r in draft_release(settings, source)
    ]
    releases = sign_off(settings, drafts)  # approved by a second person and published
    return settings, text, report, validations, releases


def test_a_file_of_mostly_local_codes_loads_whole_and_is_reported(loaded):
    settings, text, report, _, _ = loaded
    _, unknown, total = _independent(text)
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.rows_staged, outcome.rows_quarantined) == ("loaded", total, 0)
    assert outcome.rows_unrecognised_code == unknown and f"{unknown} staged row(s)" in outcome.line()
    from flows.ingest.report import unrecognised_codes_summary

    listing = unrecognised_codes_summary(settings, limit=5)
    assert str(len({r["offence_code"] for r in csv.DictReader(io.StringIO(text))} - set(_known_codes()))) in (
        listing.title or ""
    )


def test_the_gx_warning_fires_and_does_not_block(loaded):
    _, _, _, validations, releases = loaded
    custody = next(v for v in validations if v.suite == "staging.custody_offences")
    assert not custody.success and not custody.blocks_publication
    assert [w for w in custody.warnings if "unrecognised_offence_code_share" in w]
    assert releases, "the standing table was still released"
    lines = RunResult("t", validations=validations).summary_lines()
    assert any(line.startswith("  warning: ") and "unrecognised_offence_code_share" in line for line in lines)


def test_core_and_the_mart_count_them_under_unr(loaded):
    settings, text, _, _, _ = loaded
    by_year, unknown, _ = _independent(text)
    with connect(settings, read_only=True) as con:
        core = con.sql(
            "select count(*) from core.arrests where offence_group_code = 'UNR' and offence_group = ?",
            params=[UNR],
        ).fetchall()[0][0]
        mart = dict(
            con.sql(
                "select calendar_year, arrests from marts.arrests_by_offence_group_year_outcome "
                "where offence_group = ? and outcome = 'All outcomes'",
                params=[UNR],
            ).fetchall()
        )
    assert core == unknown
    assert mart == {**{y: by_year.get(y, 0) for y in mart if y != "All years"}, "All years": unknown}
    assert {y for y in mart if y != "All years"} >= set(by_year)


def test_the_standing_table_counts_them_and_its_notes_give_a_rounded_share(loaded):
    from flows.release.record import audit_record

    settings, text, _, _, releases = loaded
    by_year, unknown, total = _independent(text)
    (release,) = releases
    folder = release.path
    assert audit_record(settings).passed  # the UNR figures count the unrecognised codes, in the record too
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (table,) = manifest["tables"]
    body = (folder / f"{table['name'].replace('_', '-')}.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.reader(line for line in body.splitlines() if not line.startswith("#"))]
    header, data = rows[0], rows[1:]
    unr = {r[header.index("Period")]: r for r in data if UNR in r and "All outcomes" in r}
    assert set(unr) >= {str(y) for y in range(2016, 2026)}
    count_col = next(i for i, h in enumerate(header) if h.lower().startswith("number of"))
    shown = {p: int(r[count_col]) for p, r in unr.items() if r[count_col].isdigit()}
    assert shown, "some UNR figures are shown"
    for period, value in shown.items():
        assert value == (unknown if period.startswith("All") else by_year.get(period, 0)), period
    # the notes: a share of the table's arrests, whole per cent, half up; never the count
    in_table = sum(v for y, v in by_year.items() if 2016 <= int(y) <= 2025)
    percent = math.floor(100 * in_table / total + 0.5)
    notes = " ".join(json.dumps(manifest)) + (folder / "manifest.json").read_text(encoding="utf-8")
    sheet = _workbook_text(folder)
    sentence = f"{percent}% of the arrests counted in this table had an offence code that is not in the reference data"
    assert sentence in sheet, sheet[:2000]
    assert f" {in_table} " not in f" {sheet} " and str(in_table) not in notes.replace(str(total), "")


def _workbook_text(folder) -> str:
    from openpyxl import load_workbook

    (path,) = folder.glob("*.xlsx")
    book = load_workbook(path, read_only=True)
    return " ".join(
        str(c)
        for ws in book.worksheets
        if ws.title in ("Notes", "Cover")
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c
    )


def test_a_request_naming_a_local_code_counts_it_on_its_own(loaded):
    from flows.requests.answer import answer_part
    from flows.requests.models import DataPart

    settings, text, _, _, _ = loaded
    rows = list(csv.DictReader(io.StringIO(text)))
    code = Counter(r["offence_code"] for r in rows if r["offence_code"].startswith("XX")).most_common(1)[0][0]
    expected = Counter(r["arrest_datetime"][6:10] for r in rows if r["offence_code"] == code)
    part = DataPart.model_validate(
        {
            "id": "1",
            "question": "q",
            "response": "data",
            "interpretation": "i",
            "breakdowns": ["offence_group"],
            "offences": {"items": [{"local_code": code.lower(), "label": "Local code"}], "variants": []},
            "periods": [{"calendar_year": 2024}, {"calendar_year": 2025}],
        }
    )
    with connect(settings, read_only=True) as con:
        table = answer_part(con, part, settings.sql_dir)
    got = {r["period"]: r["arrests"] for r in table.frame.iter_rows(named=True) if r["offence_group"] == UNR}
    assert got == {y: expected[y] for y in ("2024", "2025")}
    assert any(f"{code} Local code (local code, not in the reference data)" in n for n in table.notes)
    assert any(
        n.startswith("Some of the arrests counted had an offence code that is not in the reference data")
        for n in table.notes
    ), table.notes  # every arrest counted is under it, but the table is small
