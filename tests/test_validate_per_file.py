"""Per-file check queries: a file's row is computed once and reused, never past a change to what it depends on.

Files are delivered through the real ingest, so the ledger, staging and quarantine are as a nightly leaves them.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from flows.db import build_layers, connect
from flows.ingest import ingest_landing
from flows.ingest.rebuild import rebuild
from flows.reference.load import load_reference
from flows.validate import SuiteError, run_suite, validate_suite, warm_up
from flows.validate.queries import as_gx_frame, gx_friendly, merged_params, referenced_params, run_query
from flows.validate.suites import load_spec
from tests.corpus.cases import CRIME_HEADER, CUSTODY_HEADER, crime, custody, text

SUITES = ("ingest_reconciliation", "staging.custody_offences", "staging.crimes")


@pytest.fixture(scope="module", autouse=True)
def gx_once():
    warm_up()


def deliver(settings, name: str, data: bytes) -> None:
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    (settings.landing_dir / name).write_bytes(data)
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        report = ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=1.0
        )
    assert all(o.status == "loaded" for o in report.outcomes), [o.line() for o in report.outcomes]


def validate(settings, suite: str, *, sql_dir=None, **params):
    with connect(settings) as con:
        return validate_suite(
            con,
            suite,
            params=params or None,
            expectations_dir=settings.expectations_dir,
            sql_dir=sql_dir or settings.sql_dir,
            run_id="t",
        )


def stored(settings, name: str) -> dict[int, tuple]:
    """file_id -> (when its row was computed, whether the query returned a row for it)."""
    with connect(settings, read_only=True) as con:
        rows = con.execute(f'select file_id, _checked_at, _has_row from checks."{name}"').fetchall()  # noqa: S608
    return {f: (at, has) for f, at, has in rows}


def frames(settings, suite: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the frame GX is given, the check query's result computed from scratch)."""
    spec = load_spec(settings.expectations_dir, suite)
    params = merged_params(spec, None)
    with connect(settings) as con:
        given = as_gx_frame(run_query(con, settings.sql_dir, spec.query, params, suite))
        sql = (settings.sql_dir / spec.query).read_text()
        scratch = con.sql(sql, params={k: params.get(k, []) for k in referenced_params(sql)}).df()
    return given, gx_friendly(scratch)


@pytest.fixture
def two_files(settings):
    """File 1: custody; file 2: crimes (one crime finalised with outcome 18)."""
    deliver(
        settings, "custody.csv", text(CUSTODY_HEADER, [custody("C1"), custody("C1", seq=2), custody("C2")])
    )
    deliver(settings, "crimes.csv", text(CRIME_HEADER, [crime("CR1"), crime("CR2", outcome="18")]))
    for suite in SUITES:
        assert validate(settings, suite).success, suite
    return settings


def test_a_second_run_computes_only_the_new_files_and_equals_a_run_from_scratch(two_files):
    settings = two_files
    before = {suite: stored(settings, suite) for suite in SUITES}
    assert {f: has for f, (_, has) in before["staging.crimes"].items()} == {1: False, 2: True}
    deliver(settings, "more_crimes.csv", text(CRIME_HEADER, [crime("CR3", extracted="2016-02-01 02:00")]))
    for suite in SUITES:
        assert validate(settings, suite).success
        after = stored(settings, suite)
        assert set(after) == {1, 2, 3}
        assert {f: after[f] for f in (1, 2)} == before[suite], f"{suite}: an old file was checked again"
        assert after[3][0] > max(at for at, _ in before[suite].values())
        given, scratch = frames(settings, suite)
        pd.testing.assert_frame_equal(given, scratch)
    assert stored(settings, "staging.crimes")[3][1] and not stored(settings, "staging.custody_offences")[3][1]


def test_a_run_with_nothing_new_stores_nothing_new(two_files):
    before = {suite: stored(two_files, suite) for suite in SUITES}
    for suite in SUITES:
        assert validate(two_files, suite).success
    assert {suite: stored(two_files, suite) for suite in SUITES} == before


def test_a_changed_reference_table_rechecks_every_file(two_files):
    before = stored(two_files, "staging.crimes")
    with connect(two_files) as con:
        con.execute("delete from ref.ho_outcome_types where outcome_code = '18'")
    report = validate(two_files, "staging.crimes")
    assert any("unknown_outcome_code_rows" in m and "file_id=2" in m for m in report.critical_failures)
    after = stored(two_files, "staging.crimes")
    assert all(after[f][0] > before[f][0] for f in before)


def test_a_changed_check_query_rechecks_every_file(two_files, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(two_files.sql_dir, sql_dir)
    query = sql_dir / "checks" / "staging.crimes.sql"
    query.write_text(
        query.read_text().replace(
            "select distinct outcome_code from ref.ho_outcome_types",
            "select distinct outcome_code from ref.ho_outcome_types where outcome_code <> '18'",
        )
    )
    report = validate(two_files, "staging.crimes", sql_dir=sql_dir)
    assert any("unknown_outcome_code_rows" in m and "file_id=2" in m for m in report.critical_failures)
    assert validate(two_files, "staging.crimes").success  # and back: the committed query is the key again


def test_changed_parameters_recheck_every_file(two_files):
    report = validate(two_files, "staging.custody_offences", max_age=20)
    assert any("age_out_of_range_rows" in w and "file_id=1" in w for w in report.warnings)
    assert validate(two_files, "staging.custody_offences").success


def test_a_changed_ledger_entry_rechecks_that_file_only(two_files):
    before = stored(two_files, "ingest_reconciliation")
    with connect(two_files) as con:
        con.execute("update raw.extract_files set rows_staged = rows_staged + 1 where file_id = 1")
    report = validate(two_files, "ingest_reconciliation")
    assert any("staged_rows_counted" in m and "file_id=1" in m for m in report.critical_failures)
    after = stored(two_files, "ingest_reconciliation")
    assert after[1][0] > before[1][0] and after[2] == before[2]


def test_a_bad_old_file_keeps_failing_and_rows_the_ledger_does_not_know_are_always_rechecked(settings):
    deliver(settings, "crimes.csv", text(CRIME_HEADER, [crime("CR1"), crime("CR2")]))
    with connect(
        settings
    ) as con:  # what a bug past ingest would leave: a duplicate, and rows of no known file
        con.execute("insert into staging.crimes select * from staging.crimes where crime_ref = 'CR1'")
        con.execute("insert into staging.crimes select * replace (99 as file_id) from staging.crimes limit 1")
    for n in range(2):
        deliver(
            settings, f"more_{n}.csv", text(CRIME_HEADER, [crime(f"CR{n}9", extracted="2016-02-01 02:00")])
        )
        crimes = validate(settings, "staging.crimes")
        assert any("duplicate_crime_rows" in m and "file_id=1" in m for m in crimes.critical_failures)
        ledger = validate(settings, "ingest_reconciliation")
        assert any("ledger_status" in m and "file_id=99" in m for m in ledger.critical_failures)
    assert 99 in stored(settings, "staging.crimes")
    first = stored(settings, "staging.crimes")[99][0]
    validate(settings, "staging.crimes")
    assert stored(settings, "staging.crimes")[99][0] > first


def test_a_rebuild_starts_without_stored_rows(two_files):
    with connect(two_files) as con:
        build_layers(con, two_files.sql_dir)  # so the rebuilt warehouse can be compared whole
        given = {
            suite: as_gx_frame(
                run_query(
                    con,
                    two_files.sql_dir,
                    load_spec(two_files.expectations_dir, suite).query,
                    merged_params(load_spec(two_files.expectations_dir, suite), None),
                    suite,
                )
            )
            for suite in SUITES
        }
    report = rebuild(two_files)
    assert report.identical, report.lines()
    with connect(two_files, read_only=True) as con:
        assert con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'checks'"
        ).fetchall() == [(0,)]
    for suite in SUITES:
        assert validate(two_files, suite).success
        pd.testing.assert_frame_equal(frames(two_files, suite)[0], given[suite])


def test_a_read_only_warehouse_reuses_stored_rows_and_keeps_nothing(two_files):
    deliver(two_files, "more_crimes.csv", text(CRIME_HEADER, [crime("CR3", extracted="2016-02-01 02:00")]))
    spec = load_spec(two_files.expectations_dir, "staging.crimes")
    with connect(two_files, read_only=True) as con:
        report = run_suite(
            con,
            "staging.crimes",
            expectations_dir=two_files.expectations_dir,
            sql_dir=two_files.sql_dir,
            run_id="t",
        )
        given = run_query(con, two_files.sql_dir, spec.query, merged_params(spec, None), "staging.crimes")
    assert report.success and given["file_id"].to_pylist() == [2, 3]
    assert set(stored(two_files, "staging.crimes")) == {1, 2}


def test_a_per_file_query_may_read_only_what_is_kept_per_file(two_files, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(two_files.sql_dir, sql_dir)
    query = sql_dir / "checks" / "staging.crimes.sql"
    query.write_text(query.read_text().replace("from ref.ho_outcome_types", "from core.crimes"))
    with pytest.raises(SuiteError, match=r"core\.crimes.*not kept per file"):
        validate(two_files, "staging.crimes", sql_dir=sql_dir)


PER_FILE_SUITES = (
    *SUITES,
    "ingest_reconciliation.police_uk",
    "staging.police_uk_street_crimes",
    "staging.police_uk_outcomes",
    "staging.police_uk_stop_searches",
    "staging.police_uk_neighbourhood_counts",
)
FILLER = {
    "VARCHAR": "'x'",
    "DATE": "date '2024-01-01'",
    "TIMESTAMP": "timestamp '2024-02-01'",
    "TIMESTAMP WITH TIME ZONE": "timestamptz '2024-01-15 10:00+00'",
    "BOOLEAN": "false",
    "VARCHAR[]": "['x']",
}


@pytest.fixture
def every_staging_table(settings):
    """Files 1 and 2 with three rows in every staging table, a ledger entry each and a quarantined row in 2."""
    from flows.ingest import prepare_warehouse

    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        prepare_warehouse(con, settings.reference_dir)
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'staging'"
        ).fetchall()
        for (table,) in tables:
            cols = con.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = 'staging' "
                "and table_name = ? order by column_index",
                [table],
            ).fetchall()
            values = ", ".join(
                "f.id" if c == "file_id" else "r.n" if c == "row_number" else FILLER.get(t, "1")
                for c, t in cols
            )
            con.execute(
                f"insert into staging.{table} select {values} from (values (1), (2)) as f(id), "  # noqa: S608
                "range(1, 4) as r(n)"
            )
        con.execute("insert into quarantine.rows values (2, 4, 'x', 'bad', null)")
        for file_id in (1, 2):
            for n, source in enumerate(("crime", "police_uk_street")):
                con.execute(
                    "insert into raw.extract_files (file_id, sha256, original_name, source, bytes, rows_read, "
                    "rows_staged, rows_quarantined, received_at, status, archive_path) values "
                    "(?, ?, 'f', ?, 1, 4, 3, 1, now(), 'loaded', 'a')",
                    [file_id + 10 * n, f"{file_id}{n}", source],
                )
    return settings


@pytest.mark.parametrize("suite", PER_FILE_SUITES)
def test_every_per_file_query_leaves_out_exactly_the_checked_files(every_staging_table, suite):
    settings = every_staging_table
    spec = load_spec(settings.expectations_dir, suite)
    sql = (settings.sql_dir / spec.query).read_text()
    assert "checked_file_ids" in referenced_params(sql)
    params = {k: v for k, v in merged_params(spec, None).items() if k in referenced_params(sql)}
    with connect(settings, read_only=True) as con:

        def rows(checked):
            return con.execute(sql, {**params, "checked_file_ids": checked}).fetchall()

        everything = rows([])
        assert len(everything) >= 2
        for checked in ([1], [2], [11], [1, 2, 11, 12]):
            assert rows(checked) == [r for r in everything if r[0] not in checked], checked
