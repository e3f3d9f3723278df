"""The synthetic extract generator: determinism, canonical formats, realism, and an exact dirty-row ledger.

Files are re-read here with the csv module and the encoding the summary declares, independently of the
generator's own frames, so a test fails if the bytes on disk disagree with what the summary claims.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flows.generate import SUMMARY_NAME, generate, read_summary
from flows.generate.clock import day_number
from flows.generate.crime_mix import CRIMES
from flows.generate.local_codes import with_local_codes
from flows.generate.mix import valid_on
from flows.generate.reference import load_reference
from flows.generate.rows import CRIME_COLUMNS, CRIME_OPTIONAL, CUSTODY_COLUMNS, CUSTODY_OPTIONAL
from flows.generate.scales import SAMPLE
from flows.generate.schedule import deliveries
from tests.generated import FORMATS, TODAY, latest_state, parse, principal, read_all, tiny_run, when

REFERENCE = load_reference()
DISPOSALS = {"Charged", "Released under investigation", "Bailed", "No further action", "Caution",
             "Community resolution", "Penalty notice", "Transferred", "Other"}  # fmt: skip
PENDING = {"Bailed", "Released under investigation"}
MARKERS = ("domestic_abuse", "knife_or_sharp_instrument", "hate_crime_strands")  # the shared contract's names
DATE_COLUMNS = {"arrest_datetime", "disposal_date", "recorded_date", "committed_date", "outcome_date"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_run(tmp_path_factory)


@pytest.fixture(scope="module")
def extracts(tiny):
    return read_all(*tiny)


@pytest.fixture(scope="module")
def dirty_rows(tiny):
    return {(c.file, c.row) for c in tiny[1].dirty_cells}


@pytest.fixture(scope="module")
def latest(extracts):
    return latest_state(extracts)


# determinism ---------------------------------------------------------------------------------------------


def test_same_seed_and_today_give_identical_bytes(tiny, tmp_path):
    out, _ = tiny
    generate(1, "tiny", tmp_path, today=TODAY)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    different = [n for n in names if (out / n).read_bytes() != (tmp_path / n).read_bytes()]
    assert different == []


def test_a_different_seed_gives_different_files(tiny, tmp_path):
    out, summary = tiny
    other = generate(2, "tiny", tmp_path, today=TODAY)
    assert [f.path for f in other.files] == [f.path for f in summary.files]  # same schedule
    first = summary.files[0].path
    assert (out / first).read_bytes() != (tmp_path / first).read_bytes()
    assert other.custody_records != summary.custody_records or other.crimes != summary.crimes


def test_summary_is_written_and_reads_back(tiny):
    out, summary = tiny
    assert read_summary(out) == summary
    assert (out / SUMMARY_NAME).is_file()


# formats ---------------------------------------------------------------------------------------------------


def test_headers_are_canonical_and_match_the_summary(extracts):
    seen = set()
    for f, header, _ in extracts:
        base, optional = (
            (CUSTODY_COLUMNS, CUSTODY_OPTIONAL) if f.source == "custody" else (CRIME_COLUMNS, CRIME_OPTIONAL)
        )
        markers = [
            c for c in MARKERS if c in header
        ]  # optional crime markers, in the contract's order, at the end
        assert header in ([*base, *markers], [*base, optional, *markers]), f.path
        assert not markers or f.source == "crime", f.path
        assert tuple(header) == f.columns, f.path
        seen.add((f.source, optional in header))
    assert seen == {("custody", True), ("custody", False), ("crime", True), ("crime", False)}
    assert CUSTODY_COLUMNS[:4] == ("custody_ref", "person_ref", "arrest_datetime", "offence_seq")


def test_file_names_schedule_and_extracted_at(tiny, extracts):
    _, summary = tiny
    assert [f.kind for f in summary.files[:2]] == ["full", "full"]
    assert (
        sum(f.kind == "full" for f in summary.files) >= 4
    )  # the initial full extract and a later one, per source
    assert summary.files[-1].extracted_at == f"{TODAY.isoformat()}T02:00"
    for f, header, rows in extracts:
        assert re.fullmatch(rf"{f.source}_\d{{8}}T0200_{f.kind}\.csv", f.path)
        stamp = datetime.fromisoformat(f.extracted_at)
        assert f.path.split("_")[1] == f"{stamp:%Y%m%dT%H%M}"
        values = {row[header.index("extracted_at")] for row in rows}
        assert values == ({f"{stamp:{FORMATS[f.date_style][1]}}"} if rows else set()), f.path
        assert f.rows == len(rows)


def test_encodings_are_as_declared(tiny):
    out, summary = tiny
    by_encoding = Counter(f.encoding for f in summary.files)
    assert set(by_encoding) == {"utf-8", "utf-8-sig", "cp1252"}
    for f in summary.files:
        data = (out / f.path).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == (f.encoding == "utf-8-sig"), f.path
        if f.encoding == "cp1252":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            text = data.decode("cp1252")
            assert "’" in text or "–" in text
            assert "\x92" in data.decode("latin-1") or "\x96" in data.decode("latin-1")  # Latin-1 misreads it
        else:
            text = data.decode("utf-8")
            assert "’" in text or "–" in text
    assert any(
        "£" in (out / f.path).read_bytes().decode(f.encoding) for f in summary.files if f.source == "custody"
    )


def test_dates_span_2013_to_today(latest, dirty_rows):
    arrests = [t for r in principal(latest["custody"]) if (t := when(r, "arrest_datetime"))]
    crimes = [t for rows in latest["crime"].values() for r in rows if (t := when(r, "recorded_date"))]
    for times in (arrests, crimes):
        in_range = [t for t in times if t.date() <= TODAY]  # dirty future dates aside
        assert min(in_range).date() < date(2013, 1, 8)
        assert max(in_range).date() >= TODAY - timedelta(days=3)
        assert {t.year for t in in_range} == set(range(2013, TODAY.year + 1))


def test_clean_dates_are_before_their_extract_andvalid_on(extracts, dirty_rows):
    for f, header, rows in extracts:
        extracted = datetime.fromisoformat(f.extracted_at)
        for n, row in enumerate(rows, start=1):
            if (f.path, n) in dirty_rows:
                continue
            for column, value in zip(header, row, strict=True):
                if column in DATE_COLUMNS and value:
                    when = parse(value, f.date_style)
                    assert when is not None and when < extracted, (f.path, n, column, value)


def test_no_arrest_in_the_hour_the_clocks_skip(latest):
    for r in principal(latest["custody"]):
        t = when(r, "arrest_datetime")
        if t and t.month == 3 and t.weekday() == 6 and t.day > 24:
            assert t.hour != 1, r["custody_ref"]


# realism -------------------------------------------------------------------------------------------------------


def test_tiny_volumes(tiny, latest):
    _, summary = tiny
    assert 4_000 <= summary.custody_records <= 6_000
    assert 16_000 <= summary.crimes <= 24_000
    assert summary.custody_records == len(latest["custody"])
    assert summary.crimes == len(latest["crime"])
    assert 1.2 < summary.offence_rows / summary.custody_records < 1.8


def test_volumes_decline_gently_with_a_summer_peak(latest):
    per_year = Counter(t.year for r in principal(latest["custody"]) if (t := when(r, "arrest_datetime")))
    assert per_year[2023] < per_year[2014] < 1.6 * per_year[2023]
    months = Counter(
        t.month for rows in latest["crime"].values() for r in rows if (t := when(r, "recorded_date"))
    )
    assert months[7] > months[2]


def test_disposals_change_between_deliveries(extracts, latest):
    history: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for f, header, rows in extracts:
        if f.source == "custody":
            for row in rows:
                r = dict(zip(header, row, strict=True))
                if r["offence_seq"] == "1" and r["custody_ref"]:
                    history[r["custody_ref"]].append((f.extracted_at, r["disposal"], r["disposal_date"]))
    resolved = [h for h in history.values() if h[0][1] in PENDING and h[-1][1] not in PENDING]
    assert len(resolved) > 200
    for h in resolved[:50]:
        first, last = when({"d": h[0][2]}, "d"), when({"d": h[-1][2]}, "d")
        assert first and last and last > first
    still_pending = [r for r in principal(latest["custody"]) if r["disposal"] in PENDING]
    assert 0 < len(still_pending) < 0.1 * len(latest["custody"])
    assert {r["disposal"] for r in principal(latest["custody"])} == DISPOSALS


def test_redeliveries_renumber_or_drop_offences(extracts):
    layouts: dict[str, set[tuple[tuple[str, str], ...]]] = defaultdict(set)
    for f, header, rows in extracts:
        if f.source != "custody" or f.kind == "full":
            continue
        per_ref: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in rows:
            r = dict(zip(header, row, strict=True))
            per_ref[r["custody_ref"]].append((r["offence_seq"], r["offence_code"]))
        for ref, layout in per_ref.items():
            layouts[ref].add(tuple(sorted(layout)))
    assert sum(len(v) > 1 for v in layouts.values()) >= 5


def test_multi_offence_records_and_repeat_arrestees(latest):
    offences = Counter(len(rows) for rows in latest["custody"].values())
    assert offences[1] > offences[2] > offences[3] > 0 and offences[4] > 0
    arrests = Counter(r["person_ref"] for r in principal(latest["custody"]))
    assert max(arrests.values()) >= 15
    assert 0.5 < sum(v == 1 for v in arrests.values()) / len(arrests) < 0.9


def test_people_are_plausible(latest):
    arrests = principal(latest["custody"])
    ages = [int(r["age_at_arrest"]) for r in arrests if r["age_at_arrest"].isdigit()]
    clean = [a for a in ages if 10 <= a <= 90]
    assert len(clean) > 0.99 * len(arrests)
    assert 26 < sum(clean) / len(clean) < 38
    assert sum(a < 18 for a in clean) / len(clean) < 0.15
    genders = Counter(r["gender"] for r in arrests)
    assert set(genders) == {"Male", "Female", "Unknown"} and genders["Male"] > 0.7 * len(arrests)
    assert {r["self_defined_ethnicity"] for r in arrests} <= {
        "W1", "W2", "W3", "W4", "W9", "B1", "B2", "B3", "A1", "A2", "A3", "A4", "A5", "M1", "M2", "M3", "M4", "O1",
        "O9", "NS",
    }  # fmt: skip


def test_crimes_get_outcomes_later_and_a_few_are_cancelled(extracts, latest):
    first_seen: dict[str, str] = {}
    later_outcome = 0
    for f, header, rows in extracts:
        if f.source != "crime":
            continue
        for row in rows:
            r = dict(zip(header, row, strict=True))
            if r["crime_ref"] not in first_seen:
                first_seen[r["crime_ref"]] = r["outcome_code"]
            elif not first_seen[r["crime_ref"]] and r["outcome_code"]:
                later_outcome += 1
                first_seen[r["crime_ref"]] = r["outcome_code"]
    assert later_outcome > 1_000
    statuses = Counter(rows[0].get("crime_status", "") for rows in latest["crime"].values())
    assert 0 < statuses["cancelled"] < 0.03 * len(latest["crime"])
    assert statuses["transferred"] > 0
    open_now = sum(not rows[0]["outcome_code"] for rows in latest["crime"].values())
    assert 0 < open_now < 0.1 * len(latest["crime"])


# dirty rows ------------------------------------------------------------------------------------------------


def test_dirty_ledger_matches_the_files(tiny, extracts):
    _, summary = tiny
    files = {f.path: (f, header, rows) for f, header, rows in extracts}
    kinds = Counter()
    for cell in summary.dirty_cells:
        f, header, rows = files[cell.file]
        value = rows[cell.row - 1][header.index(cell.column)]
        assert value == cell.value, cell
        assert _is_bad(cell.kind, cell.column, value, f), cell
        kinds[cell.kind] += 1
        if cell.offence_seq is not None:
            assert rows[cell.row - 1][header.index("offence_seq")] == str(cell.offence_seq)
        if cell.kind == "blank_custody_ref":
            assert cell.offence_seq != 1, "a principal row must keep its custody_ref"
        elif cell.column not in ("custody_ref", "crime_ref"):
            key = "custody_ref" if f.source == "custody" else "crime_ref"
            assert rows[cell.row - 1][header.index(key)] == cell.ref
    assert set(kinds) == {
        "unparseable_date",
        "future_date",
        "unknown_offence_code",
        "absurd_age",
        "blank_custody_ref",
    }
    for f in summary.files:
        counted = Counter(c.kind for c in summary.dirty_in(f.path))
        assert dict(counted) == f.dirty
        assert sum(counted.values()) < 0.01 * max(f.rows, 1)
    total_rows = sum(f.rows for f in summary.files)
    assert 0.0005 < len(summary.dirty_cells) / total_rows < 0.005


def _is_bad(kind: str, column: str, value: str, f) -> bool:
    if kind == "unparseable_date":
        return parse(value, "iso") is None and parse(value, "uk") is None
    if kind == "future_date":
        when = parse(value, f.date_style)
        return when is not None and when > datetime.fromisoformat(f.extracted_at)
    if kind == "unknown_offence_code":
        return value not in (REFERENCE.cjs.codes if f.source == "custody" else REFERENCE.ho.codes)
    if kind == "absurd_age":
        return not (value.isdigit() and 10 <= int(value) <= 90)
    if kind == "blank_custody_ref":
        return value == "" and column == "custody_ref"
    return False


def test_clean_rows_use_reference_codes_and_labels(extracts, dirty_rows):
    labels = with_local_codes(REFERENCE.cjs)  # the standing data's codes and the force's few local ones
    cjs_titles = dict(zip(labels.codes, labels.titles, strict=True))
    ho_titles = dict(zip(REFERENCE.ho.codes, REFERENCE.ho.titles, strict=True))
    outcomes = {"", *(str(c) for c in REFERENCE.outcome_codes)}
    for f, header, rows in extracts:
        col = {name: i for i, name in enumerate(header)}
        for n, row in enumerate(rows, start=1):
            if (f.path, n) in dirty_rows:
                continue
            if f.source == "custody":
                assert cjs_titles.get(row[col["offence_code"]]) == row[col["offence_description"]], (
                    f.path,
                    n,
                )
                assert row[col["disposal"]] in DISPOSALS
                assert 10 <= int(row[col["age_at_arrest"]]) <= 90
                assert row[col["custody_ref"]] and row[col["person_ref"]]
            else:
                assert ho_titles.get(row[col["ho_offence_code"]]) == row[col["offence_description"]], (
                    f.path,
                    n,
                )
                assert row[col["outcome_code"]] in outcomes
                assert bool(row[col["outcome_code"]]) == bool(row[col["outcome_date"]])


# parquet, reference and mixes --------------------------------------------------------------------------


def test_parquet_keeps_the_columns(tmp_path):
    small = replace(SAMPLE, arrests=300, crimes=600)
    summary = generate(3, small, tmp_path, today=date(2017, 3, 15), fmt="parquet")
    assert {f.encoding for f in summary.files} == {"parquet"}
    for f in summary.files:
        table = pq.read_table(tmp_path / f.path)
        assert tuple(table.column_names) == f.columns and table.num_rows == f.rows
    assert summary.files[-1].extracted_at == "2017-03-15T02:00"


def test_schedule_is_monthly_with_occasional_full_extracts():
    schedule = deliveries(TODAY)
    assert schedule[0].kind == "full" and schedule[0].extracted_at == datetime(2015, 12, 31, 2)
    assert [d.extracted_at.date() for d in schedule if d.kind == "full"][1:] == [
        date(2020, 12, 31),
        date(2025, 12, 31),
    ]
    gaps = {(b.extracted_at - a.extracted_at).days for a, b in zip(schedule, schedule[1:], strict=False)}
    assert gaps <= set(range(21, 32))
    assert deliveries(date(2014, 5, 1))[-1].extracted_at == datetime(2014, 5, 1, 2)


def test_crime_mix_uses_recordable_reference_codes():
    ho = {c: i for i, c in enumerate(REFERENCE.ho.codes)}
    outcomes_only = {r.split(",")[0] for r in (Path(__file__).parents[1] / "data/reference/ho_offence_codes.csv")
                     .read_text(encoding="utf-8").splitlines() if r.endswith(",true")}  # fmt: skip
    for entry in CRIMES:
        assert entry.code in ho, entry
        if entry.code in outcomes_only:  # old codes may only be used before they became outcome-only
            assert entry.end is not None and entry.end <= date(2017, 4, 1), entry
    assert not valid_on(next(e for e in CRIMES if e.code == "28A"), day_number(date(2018, 1, 1)))
    assert len(set(REFERENCE.ho.codes)) == len(REFERENCE.ho.codes) == 136
    assert {g for g in REFERENCE.ho.groups} <= {
        "CDA",
        "DRG",
        "FRD",
        "MCS",
        "POF",
        "ROB",
        "SEX",
        "THF",
        "VAP",
        "WPN",
    }
