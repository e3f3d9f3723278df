"""Every real data.police.uk file in ../shared/realdata/police_uk_* loads, and the crime type x month x
outcome table built from them matches a count made independently with the csv module.

The files are public (Open Government Licence) and described in ../shared/PROVENANCE.md; their quirks are
the point: repeated and blank Crime IDs, blank outcomes and LSOAs, CRLF and LF files, the 2012 legacy
headers, stop and search and neighbourhood files. Skipped when the shared folder is absent.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from flows.config import PROJECT_ROOT
from flows.db import build_layers, connect
from flows.ingest import ingest_landing
from flows.reference.load import load_reference

REALDATA = PROJECT_ROOT.parent / "shared" / "realdata"
FILES = sorted(REALDATA.glob("police_uk_*/**/*.csv")) if REALDATA.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/realdata is not available")
NO_OUTCOME = "No outcome recorded"


def landed_name(path: Path) -> str:
    return "__".join(path.relative_to(REALDATA).parts)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _spellings() -> dict[str, str]:
    with (PROJECT_ROOT / "data" / "reference" / "police_uk_outcome_categories.csv").open(
        encoding="utf-8"
    ) as fh:
        return {r["outcome_category"]: r["category"] for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from flows.config import load_settings

    settings = load_settings(home=tmp_path_factory.mktemp("realdata"), organisation="Test Constabulary")
    settings.landing_dir.mkdir(parents=True)
    for path in FILES:  # flattened; folder names keep the two identical-but-for-line-endings files apart
        shutil.copyfile(path, settings.landing_dir / landed_name(path))
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        report = ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=0.01
        )
        build_layers(con, settings.sql_dir)
    return settings, report


def query(settings, sql):
    with connect(settings, read_only=True) as con:
        return con.sql(sql).fetchall()


def test_every_file_loads_whole(warehouse):
    settings, report = warehouse
    assert len(report.outcomes) == len(FILES) == 106
    assert [o.line() for o in report.outcomes if o.status != "loaded"] == []
    read = dict(query(settings, "select original_name, rows_read from raw.extract_files"))
    for path in FILES:
        assert read[landed_name(path)] == len(_rows(path)), path


def test_sources_are_recognised_by_their_headers(warehouse):
    settings, _ = warehouse
    counts = dict(query(settings, "select source, count(*) from raw.extract_files group by 1"))
    assert counts == {
        "police_uk_street": 59,
        "police_uk_outcomes": 19,
        "police_uk_stop_search": 27,
        "police_uk_neighbourhood": 1,
    }
    legacy = query(
        settings, "select header_format, count(*) from staging.police_uk_street_crimes group by 1 order by 1"
    )
    assert legacy == [
        ("2012 legacy", 9),
        ("current", sum(len(_rows(p)) for p in FILES if p.name.endswith("-street.csv"))),
    ]


def test_repeated_and_blank_crime_ids_are_kept_keyed_by_file_and_row(warehouse):
    settings, _ = warehouse
    # PROVENANCE: 18,867 City of London 2024-25 rows, 254 Crime IDs twice in one monthly file (273 surplus rows)
    got = query(
        settings,
        """
        select count(*), count(*) - count(distinct (file_id, crime_id)) filter (where crime_id is not null)
               - count(*) filter (where crime_id is null)
        from staging.police_uk_street_crimes where reported_by = 'City of London Police' and month >= '2024-01-01'""",
    )
    assert got == [(18867, 273)]
    assert (
        query(
            settings,
            "select count(*) from staging.police_uk_street_crimes group by file_id, row_number "
            "having count(*) > 1",
        )
        == []
    )


def test_crime_type_by_month_by_outcome_matches_an_independent_count(warehouse):
    settings, _ = warehouse
    spelling = _spellings()
    expected: Counter = Counter()
    for path in FILES:
        for row in _rows(path):
            if "Crime type" in row and "Outcome type" not in row:
                outcome = row.get("Last outcome category") or ""
                expected[
                    (
                        row["Reported by"],
                        row["Crime type"],
                        row["Month"],
                        spelling[outcome] if outcome else NO_OUTCOME,
                    )
                ] += 1
    got = dict(
        ((f, t, m, o), n)
        for f, t, m, o, n in query(
            settings,
            "select force, crime_type, month, outcome, crimes from marts.police_uk_crimes_by_type_month_outcome",
        )
    )
    assert got == dict(expected)
    assert sum(got.values()) == 10118 + 18867 + 76542 + 7134 + 11803 + 9


def test_outcomes_by_month_match_an_independent_count_and_relate_to_ho_outcomes(warehouse):
    settings, _ = warehouse
    spelling = _spellings()
    expected: Counter = Counter()
    for path in FILES:
        for row in _rows(path):
            if "Outcome type" in row:
                expected[(row["Reported by"], row["Month"], spelling[row["Outcome type"]])] += 1
    got = {
        (f, m, o): n
        for f, m, o, n in query(
            settings,
            "select force, month, outcome_category, outcomes from marts.police_uk_outcomes_by_month_type",
        )
    }
    assert got == dict(expected)
    court = query(
        settings,
        "select distinct ho_outcome_types, outcome_group from core.police_uk_outcomes "
        "where outcome_category = 'Offender sent to prison'",
    )
    assert court == [(None, "Court result")]  # a court result has no Home Office outcome type
    # PROVENANCE: 7,830 of the 9,136 2016-17 City of London outcome rows name a Crime ID found in the street files
    linked = query(
        settings,
        """
        select count(*) from core.police_uk_outcomes as o
        where o.crime_id in (select crime_id from core.police_uk_street_crimes where crime_id is not null)
          and o.month >= '2016-01-01' and o.reported_by = 'City of London Police'""",
    )
    assert linked == [(7830,)]


def test_re_delivering_the_real_files_is_a_no_op(warehouse, tmp_path):
    settings, _ = warehouse
    with connect(settings, read_only=True) as con:
        from flows.ingest.fingerprint import fingerprints

        before = fingerprints(con, ("staging", "quarantine"))
    settings.landing_dir.mkdir(exist_ok=True)
    for path in FILES[:5]:
        shutil.copyfile(path, settings.landing_dir / path.name)
    with connect(settings) as con:
        report = ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=0.01
        )
        assert {o.status for o in report.outcomes} == {"duplicate"}
        assert fingerprints(con, ("staging", "quarantine")) == before


@pytest.mark.parametrize(
    "suite",
    [
        "ingest_reconciliation",
        "ingest_reconciliation.police_uk",
        "staging.police_uk_street_crimes",
        "staging.police_uk_outcomes",
        "staging.police_uk_stop_searches",
        "staging.police_uk_neighbourhood_counts",
    ],
)
def test_the_staging_suites_pass_on_the_real_files(warehouse, suite):
    from flows.validate.runner import run_suite

    settings, _ = warehouse
    with connect(settings, read_only=True) as con:
        report = run_suite(
            con, suite, expectations_dir=settings.expectations_dir, sql_dir=settings.sql_dir, run_id="test"
        )
    assert not report.critical_failures
    # the canonical reconciliation sees no custody or crime file here (a warning); the police.uk suites pass whole
    assert report.success or suite == "ingest_reconciliation", [
        r.message for r in report.results if not r.success
    ]
