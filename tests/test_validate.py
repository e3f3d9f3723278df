"""Validation suites: a good table passes; each broken property fails the expectation that guards it."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import duckdb
import pytest

from flows.reference.load import load_reference
from flows.validate import (
    SuiteError,
    latest_results,
    load_suite,
    render_data_docs,
    run_suite,
    suite_names,
    validate_suite,
    warm_up,
)

ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS, SQL = ROOT / "expectations", ROOT / "sql"
MART = "marts.arrests_by_offence_group_year_outcome"
GROUPS, YEARS, OUTCOMES = ["Drug offences", "Robbery"], ["2023", "2024"], ["Charged", "No further action"]


@pytest.fixture(scope="module", autouse=True)
def gx_once():
    """Import GX and build its context once for the module (it costs seconds)."""
    warm_up()


@pytest.fixture
def con():
    con = duckdb.connect()
    load_reference(con, ROOT / "data" / "reference")
    for schema in ("raw", "staging", "quarantine", "marts"):
        con.execute(f"create schema {schema}")
    yield con
    con.close()


def on_mart(con, sql):
    """Run a breakage written against the placeholder MART (keeps SQL out of f-strings)."""
    con.execute(sql.replace("MART", MART))


def run(con, suite, **params):
    return validate_suite(
        con, suite, params=params or None, expectations_dir=EXPECTATIONS, sql_dir=SQL, run_id="t1"
    )


def failed(report, expectation_type, column):
    """The failing result for ``expectation_type`` on ``column`` (or None)."""
    return next(
        (
            r
            for r in report.results
            if not r.success and r.expectation_type == expectation_type and column in r.columns
        ),
        None,
    )


def assert_critical(report, expectation_type, column):
    assert failed(report, expectation_type, column), [r.message for r in report.results if not r.success]
    assert report.blocks_publication
    assert any(expectation_type in m and column in m for m in report.critical_failures)


# --- the mart ------------------------------------------------------------------------------------------------


@pytest.fixture
def mart(con):
    """A full cross product with margins (zeros included), built with GROUP BY CUBE from known cells."""
    con.execute(
        "create table cells (offence_group varchar, calendar_year varchar, outcome varchar, arrests bigint)"
    )
    cells = [(g, y, o, (i * 7) % 5) for i, (g, y, o) in enumerate(itertools.product(GROUPS, YEARS, OUTCOMES))]
    con.executemany("insert into cells values (?, ?, ?, ?)", cells)
    con.execute("""create table marts.arrests_by_offence_group_year_outcome as
        select coalesce(offence_group, 'All offence groups') as offence_group,
               coalesce(calendar_year, 'All years') as calendar_year,
               coalesce(outcome, 'All outcomes') as outcome, sum(arrests)::bigint as arrests
        from cells group by cube (offence_group, calendar_year, outcome)""")
    return con


def test_good_mart_passes(mart):
    assert mart.execute(
        "select count(*), min(arrests) from marts.arrests_by_offence_group_year_outcome"
    ).fetchall() == [(27, 0)]
    report = run(mart, MART)
    assert report.success, [r.message for r in report.results if not r.success]
    assert not report.blocks_publication and report.critical_failures == ()
    assert len(report.results) == len(load_suite(EXPECTATIONS, MART).expectations)


@pytest.mark.parametrize(
    ("breakage", "expectation_type", "column"),
    [
        pytest.param(
            "insert into MART select * from MART where offence_group = 'Robbery' limit 1",
            "expect_compound_columns_to_be_unique",
            "calendar_year",
            id="duplicate-key",
        ),
        pytest.param(
            "update MART set outcome = null where offence_group = 'Robbery' and calendar_year = '2023' "
            "and outcome = 'Charged'",
            "expect_column_values_to_not_be_null",
            "outcome",
            id="null-key",
        ),
        pytest.param(
            "update MART set arrests = -1 where offence_group = 'Robbery' and calendar_year = '2023' "
            "and outcome = 'Charged'",
            "expect_column_values_to_be_between",
            "arrests",
            id="negative-count",
        ),
        pytest.param(
            "update MART set offence_group = 'Drugs' where offence_group = 'Drug offences'",
            "expect_column_values_to_be_in_set",
            "offence_group",
            id="unknown-group",
        ),
        pytest.param(
            "update MART set outcome = 'Released' where outcome = 'Charged'",
            "expect_column_values_to_be_in_set",
            "outcome",
            id="unknown-outcome",
        ),
        pytest.param(
            "update MART set arrests = arrests + 1 where offence_group = 'All offence groups' "
            "and calendar_year = '2024' and outcome = 'Charged'",
            "expect_column_pair_values_to_be_equal",
            "offence_group_parts",
            id="margin-off-by-one",
        ),
        pytest.param(
            "update MART set arrests = arrests + 1 where offence_group = 'Robbery' "
            "and calendar_year = '2023' and outcome = 'Charged'",
            "expect_column_pair_values_to_be_equal",
            "outcome_parts",
            id="cell-off-by-one",
        ),
        pytest.param(
            "delete from MART where arrests = 0 and offence_group = 'Drug offences'",
            "expect_table_row_count_to_equal",
            "",
            id="missing-zero-cell",
        ),
        pytest.param(
            "alter table MART alter arrests type double",
            "expect_column_values_to_be_in_type_list",
            "arrests",
            id="non-integer-count",
        ),
    ],
)
def test_broken_mart_fails_the_right_expectation(mart, breakage, expectation_type, column):
    on_mart(mart, breakage)
    report = run(mart, MART)
    if column:
        assert_critical(report, expectation_type, column)
    else:
        assert any(r.expectation_type == expectation_type and not r.success for r in report.results)
        assert report.blocks_publication


def test_margin_failure_names_the_cell_and_values(mart):
    on_mart(
        mart,
        "update MART set arrests = arrests + 1 where offence_group = 'All offence groups' "
        "and calendar_year = 'All years' and outcome = 'All outcomes'",
    )
    result = failed(run(mart, MART), "expect_column_pair_values_to_be_equal", "calendar_year_parts")
    total = mart.execute("select sum(arrests) from cells").fetchall()[0][0]
    assert "offence_group='All offence groups'" in result.observed
    assert f"arrests={total + 1}, calendar_year_parts={total}" in result.observed


def test_margin_label_is_a_parameter(mart):
    on_mart(mart, "update MART set calendar_year = 'Total' where calendar_year = 'All years'")
    assert run(mart, MART, all_years="Total").success
    report = run(mart, MART)  # 'Total' is neither a year nor the expected label, and the margin is missing
    assert_critical(report, "expect_column_values_to_be_in_set", "calendar_year")
    assert_critical(report, "expect_column_distinct_values_to_contain_set", "calendar_year")


# --- ingest reconciliation and staging -------------------------------------------------------------------------

CUSTODY = [  # file 1: custody records C1 (2 offences), C2 (1), C3 (2); row 4 quarantined
    (1, 1, "C1", "P1", "2024-03-01 10:00", 1, "MD71230", "Charged", 34),
    (1, 2, "C1", "P1", "2024-03-01 10:00", 2, "TH68010", "Charged", 34),
    (1, 3, "C2", "P2", "2024-03-02 11:00", 1, "TH68010", "No further action", 19),
    (1, 5, "C3", "P3", "2024-03-03 12:00", 1, "PU86001", "Caution", 51),
    (1, 6, "C3", "P3", "2024-03-03 12:00", 2, "MD71230", "Caution", 51),
]
CRIMES = [  # file 2
    (2, 1, "CR1", "2024-02-01", "2024-01-30", "1", "2024-02-20"),
    (2, 2, "CR2", "2024-02-03", None, None, None),
    (2, 3, "CR3", "2024-02-04", "2024-02-04", "18", "2024-03-01"),
]


@pytest.fixture
def staged(con):
    con.execute("""create table raw.extract_files (file_id bigint, sha256 varchar, original_name varchar,
        source varchar, bytes bigint, rows_read bigint, rows_staged bigint, rows_quarantined bigint,
        received_at timestamp, extracted_at timestamp, status varchar, reason varchar)""")
    con.execute("""create table staging.custody_offences (file_id bigint, row_number bigint, custody_ref varchar,
        person_ref varchar, arrest_at timestamp, offence_seq integer, offence_code varchar,
        offence_description varchar, disposal varchar, disposal_date date, age_at_arrest integer, gender varchar,
        self_defined_ethnicity varchar, station varchar, arresting_agency varchar, extracted_at timestamp,
        record_status varchar)""")
    con.execute("""create table staging.crimes (file_id bigint, row_number bigint, crime_ref varchar,
        recorded_date date, committed_date date, ho_offence_code varchar, offence_description varchar,
        outcome_code varchar, outcome_date date, district varchar, crime_status varchar, extracted_at timestamp,
        is_domestic_abuse boolean, is_knife_or_sharp_instrument boolean, hate_crime_strands varchar[])""")
    con.execute("""create table quarantine.rows (file_id bigint, row_number bigint, column_name varchar,
        reason varchar, raw_value varchar)""")
    con.executemany(
        "insert into raw.extract_files values (?, ?, ?, ?, 100, ?, ?, ?, '2024-04-02', '2024-04-01', ?, null)",
        [
            (1, "a" * 64, "custody.csv", "custody", 6, 5, 1, "partly quarantined"),
            (2, "b" * 64, "crimes.csv", "crimes", 3, 3, 0, "loaded"),
            (3, "c" * 64, "junk.csv", None, 9, 0, 0, "rejected"),
        ],
    )
    con.executemany(
        """insert into staging.custody_offences (file_id, row_number, custody_ref, person_ref, arrest_at,
        offence_seq, offence_code, disposal, age_at_arrest, extracted_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?,
        '2024-04-01')""",
        CUSTODY,
    )
    con.executemany(
        """insert into staging.crimes (file_id, row_number, crime_ref, recorded_date, committed_date,
        outcome_code, outcome_date, extracted_at, ho_offence_code, hate_crime_strands)
        values (?, ?, ?, ?, ?, ?, ?, '2024-04-01', '8N', ['race'])""",
        CRIMES,
    )
    con.executemany(
        "insert into quarantine.rows values (1, 4, ?, ?, 'x')",
        [  # one row, two problems
            ("arrest_at", "not a timestamp"),
            ("age_at_arrest", "not a number"),
        ],
    )
    return con


def test_good_staging_passes(staged):
    for suite in ("ingest_reconciliation", "staging.custody_offences", "staging.crimes"):
        report = run(staged, suite)
        assert report.success, (suite, [r.message for r in report.results if not r.success])


@pytest.mark.parametrize(
    ("suite", "breakage", "expectation_type", "column"),
    [
        pytest.param(
            "ingest_reconciliation",
            "update raw.extract_files set rows_read = 7 where file_id = 1",
            "expect_column_pair_values_to_be_equal",
            "rows_accounted_for",
            id="rows-read-not-accounted",
        ),
        pytest.param(
            "ingest_reconciliation",
            "delete from staging.crimes where row_number = 3",
            "expect_column_pair_values_to_be_equal",
            "staged_rows_counted",
            id="staged-row-lost",
        ),
        pytest.param(
            "ingest_reconciliation",
            "insert into quarantine.rows values (2, 2, 'outcome_code', 'bad', 'x')",
            "expect_column_values_to_be_between",
            "rows_staged_and_quarantined",
            id="row-staged-and-quarantined",
        ),
        pytest.param(
            "ingest_reconciliation",
            "update staging.crimes set file_id = 3 where row_number = 1",
            "expect_column_values_to_not_be_null",
            "ledger_status",
            id="rows-from-rejected-file",
        ),
        pytest.param(
            "staging.custody_offences",
            "update staging.custody_offences set offence_seq = 1 where row_number = 2",
            "expect_column_values_to_be_between",
            "records_without_one_principal_offence",
            id="two-principal",
        ),
        pytest.param(
            "staging.custody_offences",
            "update staging.custody_offences set offence_seq = 3 where row_number = 5",
            "expect_column_values_to_be_between",
            "records_without_one_principal_offence",
            id="no-principal",
        ),
        pytest.param(
            "staging.custody_offences",
            "update staging.custody_offences set offence_code = 'N/A' where row_number = 3",
            "expect_column_values_to_be_between",
            "malformed_offence_code_rows",
            id="malformed-offence-code",
        ),
        pytest.param(
            "staging.crimes",
            "update staging.crimes set ho_offence_code = 'Shoplifting' where row_number = 2",
            "expect_column_values_to_be_between",
            "malformed_offence_code_rows",
            id="malformed-ho-code",
        ),
        pytest.param(
            "staging.crimes",
            "update staging.crimes set hate_crime_strands = ['race', 'aliens'] where row_number = 2",
            "expect_column_values_to_be_between",
            "unknown_hate_crime_strand_rows",
            id="unknown-hate-crime-strand",
        ),
        pytest.param(
            "staging.custody_offences",
            "update staging.custody_offences set disposal = 'Let off' where row_number = 3",
            "expect_column_values_to_be_between",
            "unknown_disposal_rows",
            id="unknown-disposal",
        ),
        pytest.param(
            "staging.custody_offences",
            "update staging.custody_offences set custody_ref = null where row_number = 3",
            "expect_column_values_to_be_between",
            "null_key_rows",
            id="null-custody-key",
        ),
        pytest.param(
            "staging.custody_offences",
            "insert into staging.custody_offences select * from "
            "staging.custody_offences where row_number = 6",
            "expect_column_values_to_be_between",
            "duplicate_key_rows",
            id="duplicate-offence",
        ),
        pytest.param(
            "staging.crimes",
            "update staging.crimes set outcome_code = '99' where row_number = 1",
            "expect_column_values_to_be_between",
            "unknown_outcome_code_rows",
            id="unknown-outcome-code",
        ),
        pytest.param(
            "staging.crimes",
            "update staging.crimes set crime_ref = 'CR1' where row_number = 2",
            "expect_column_values_to_be_between",
            "duplicate_crime_rows",
            id="duplicate-crime",
        ),
        pytest.param(
            "staging.custody_offences",
            "update staging.custody_offences set record_status = 'void' where row_number = 3",
            "expect_column_values_to_be_between",
            "unknown_record_status_rows",
            id="unknown-record-status",
        ),
        pytest.param(
            "staging.custody_offences",
            "update staging.custody_offences set record_status = 'deleted' where row_number = 1",
            "expect_column_values_to_be_between",
            "records_with_mixed_status",
            id="record-half-deleted",
        ),
        pytest.param(
            "staging.crimes",
            "update staging.crimes set crime_status = 'no crime' where row_number = 2",
            "expect_column_values_to_be_between",
            "unknown_crime_status_rows",
            id="unknown-crime-status",
        ),
    ],
)
def test_broken_staging_fails_the_right_expectation(staged, suite, breakage, expectation_type, column):
    staged.execute(breakage)
    assert_critical(run(staged, suite), expectation_type, column)


def test_known_statuses_pass(staged):
    staged.execute("update staging.custody_offences set record_status = 'deleted' where custody_ref = 'C1'")
    staged.execute("update staging.custody_offences set record_status = 'active' where custody_ref = 'C2'")
    staged.execute(
        "update staging.crimes set crime_status = case row_number when 1 then 'cancelled' "
        "when 2 then 'transferred' when 3 then 'active' else 'deleted' end"
    )
    for suite in ("staging.custody_offences", "staging.crimes"):
        report = run(staged, suite)
        assert report.success, [r.message for r in report.results if not r.success]


def test_failure_names_the_file_and_count_only(staged):
    staged.execute("update staging.custody_offences set offence_code = 'N/A' where custody_ref = 'C3'")
    result = failed(
        run(staged, "staging.custody_offences"),
        "expect_column_values_to_be_between",
        "malformed_offence_code_rows",
    )
    assert result.observed == "1 of 1 rows fail; e.g. file_id=1: malformed_offence_code_rows=2"
    assert "N/A" not in result.observed and "P3" not in result.observed


def test_a_code_in_the_reference_data_is_never_malformed(staged):
    """The ONS list's homicide heading is not shaped like a code a crime carries, but it is in the reference."""
    staged.execute("update staging.crimes set ho_offence_code = '1-4.1-4.10-4.2' where row_number = 1")
    assert run(staged, "staging.crimes").success


@pytest.mark.parametrize(
    ("suite", "breakage", "code"),
    [  # 1 of 5 custody rows, 1 of 3 crimes
        (
            "staging.custody_offences",
            "update staging.custody_offences set offence_code = 'ZZ99999' where row_number = 3",
            "ZZ99999",
        ),
        ("staging.crimes", "update staging.crimes set ho_offence_code = '999Z' where row_number = 3", "999Z"),
    ],
)
def test_unrecognised_codes_warn_above_the_threshold_and_never_block(staged, suite, breakage, code):
    """Well-formed codes the reference data lacks are counted, not errors: a share of a file above the threshold
    (default 2%) is a warning naming the file and the share, publication goes ahead; at or below it, silence."""
    staged.execute(breakage)  # (test_good_staging_passes runs the suites on the rows as they were)
    report = run(staged, suite)
    warning = failed(report, "expect_column_values_to_be_between", "unrecognised_offence_code_share")
    assert warning is not None and warning.severity == "warning", [r.message for r in report.results]
    assert not report.blocks_publication and "file_id=" in warning.observed and code not in warning.observed
    assert [r.columns for r in report.results if not r.success] == [("unrecognised_offence_code_share",)]
    assert run(staged, suite, unrecognised_max_share=0.5).success  # the threshold is a setting


@pytest.mark.parametrize(
    ("suite", "breakage", "column"),
    [
        (
            "staging.custody_offences",
            "update staging.custody_offences set age_at_arrest = 7 where row_number = 3",
            "age_out_of_range_rows",
        ),
        (
            "staging.custody_offences",
            "update staging.custody_offences set arrest_at = '2024-05-01' where row_number = 3",
            "arrest_after_extract_rows",
        ),
        (
            "staging.crimes",
            "update staging.crimes set outcome_date = '2024-01-01' where row_number = 1",
            "outcome_before_recorded_rows",
        ),
        (
            "staging.crimes",
            "update staging.crimes set recorded_date = '2024-04-02' where row_number = 2",
            "recorded_after_extract_rows",
        ),
    ],
)
def test_warnings_fail_without_blocking(staged, suite, breakage, column):
    staged.execute(breakage)
    report = run(staged, suite)
    assert failed(report, "expect_column_values_to_be_between", column).severity == "warning"
    assert not report.success and not report.blocks_publication
    assert any(column in w for w in report.warnings)


def test_parameters_override_defaults(staged):
    assert failed(
        run(staged, "staging.custody_offences", max_age=40),
        "expect_column_values_to_be_between",
        "age_out_of_range_rows",
    )
    with pytest.raises(SuiteError, match="max_agee"):
        run(staged, "staging.custody_offences", max_agee=40)


# --- storage, loading and errors -------------------------------------------------------------------------------


def deliver_crimes(con, file_id, *outcome_codes):
    """A new crime file as ingest leaves it: its ledger entry and staged rows, written once."""
    con.execute(
        "insert into raw.extract_files values (?, ?, 'more.csv', 'crimes', 100, ?, ?, 0, '2024-04-03', "
        "'2024-04-02', 'loaded', null)",
        [file_id, str(file_id) * 64, len(outcome_codes), len(outcome_codes)],
    )
    con.executemany(
        """insert into staging.crimes (file_id, row_number, crime_ref, recorded_date, outcome_code,
        extracted_at, ho_offence_code) values (?, ?, ?, '2024-03-01', ?, '2024-04-02', '8N')""",
        [(file_id, n, f"CR{file_id}-{n}", code) for n, code in enumerate(outcome_codes, 1)],
    )


def test_results_are_stored_and_latest_kept(staged):
    first = run(staged, "staging.crimes")
    deliver_crimes(staged, 4, "1", "99")
    second = validate_suite(staged, "staging.crimes", expectations_dir=EXPECTATIONS, sql_dir=SQL, run_id="t2")
    stored = staged.execute(
        "select run_id, count(*), count(*) filter (where not success) from validation.results "
        "group by run_id order by run_id"
    ).fetchall()
    assert stored == [("t1", len(first.results), 0), ("t2", len(second.results), 1)]
    latest = latest_results(staged)
    assert set(latest["run_id"]) == {"t2"} and latest.height == len(second.results)
    bad = latest.filter(~latest["success"]).row(0, named=True)
    assert (bad["columns"], bad["severity"]) == ("unknown_outcome_code_rows", "critical")
    assert "file_id=4" in bad["observed"]


def test_run_suite_does_not_store(staged):
    run_suite(staged, "staging.crimes", expectations_dir=EXPECTATIONS, sql_dir=SQL, run_id="t3")
    assert latest_results(staged).height == 0


def test_every_suite_is_gx_json_with_a_query_and_severities():
    names = suite_names(EXPECTATIONS)
    assert {MART, "ingest_reconciliation", "staging.custody_offences", "staging.crimes"} <= set(names)
    for name in names:
        raw = json.loads((EXPECTATIONS / f"{name}.json").read_text())
        suite = load_suite(EXPECTATIONS, name)
        assert len(suite.expectations) == len(raw["expectations"]) > 0
        assert (SQL / raw["meta"]["disclose"]["query"]).is_file()
        assert {e["severity"] for e in raw["expectations"]} <= {"critical", "warning"}


def test_missing_table_is_a_suite_error(con):
    with pytest.raises(SuiteError, match=f"{MART}.*failed"):
        run(con, MART)


def test_suite_without_severity_is_refused(tmp_path):
    raw = json.loads((EXPECTATIONS / "staging.crimes.json").read_text())
    del raw["expectations"][1]["severity"]
    (tmp_path / "staging.crimes.json").write_text(json.dumps(raw))
    with pytest.raises(SuiteError, match="severity"):
        load_suite(tmp_path, "staging.crimes")


def test_data_docs_render_one_page_per_suite(staged, tmp_path):
    staged.execute("update staging.crimes set outcome_code = '99' where row_number = 1")
    reports = [run(staged, "staging.crimes"), run(staged, "ingest_reconciliation")]
    index = render_data_docs(reports, tmp_path)
    assert "staging.crimes.html" in index.read_text() and "blocks publication" in index.read_text()
    page = (tmp_path / "staging.crimes.html").read_text()
    assert "unknown_outcome_code_rows" in page and "Every outcome_code is in ref.ho_outcome_types" in page


def test_empty_staging_warns_but_does_not_block(staged):
    for table in ("staging.custody_offences", "staging.crimes", "quarantine.rows", "raw.extract_files"):
        staged.execute(f"delete from {table}")  # noqa: S608 - fixed table names
    for suite in ("ingest_reconciliation", "staging.custody_offences", "staging.crimes"):
        report = run(staged, suite)
        assert not report.blocks_publication, report.critical_failures
        assert [r.expectation_type for r in report.results if not r.success] == [
            "expect_table_row_count_to_be_between"
        ]


def test_an_expectation_that_cannot_run_is_critical(staged, tmp_path):
    raw = json.loads((EXPECTATIONS / "staging.crimes.json").read_text())
    warning = next(e for e in raw["expectations"] if e["severity"] == "warning" and "column" in e["kwargs"])
    warning["kwargs"]["column"] = "no_such_column"  # a warning-level check, now broken
    (tmp_path / "staging.crimes.json").write_text(json.dumps(raw))
    report = run_suite(staged, "staging.crimes", expectations_dir=tmp_path, sql_dir=SQL, run_id="t4")
    broken = failed(report, "expect_column_values_to_be_between", "no_such_column")
    assert broken.severity == "critical" and broken.observed.startswith("could not run")
    assert report.blocks_publication
