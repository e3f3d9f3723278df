"""Keep every validation result in the warehouse (``validation.results``), append-only, so a release can
name the checks it passed and the CLI can show the latest state of each suite."""

from __future__ import annotations

import duckdb
import polars as pl

from flows.validate.report import ValidationReport

DDL = (
    "create schema if not exists validation",
    """create table if not exists validation.results (
        run_id varchar not null, suite varchar not null, expectation_type varchar not null,
        columns varchar, severity varchar not null, success boolean not null, observed varchar,
        validated_at timestamp not null)""",
)
SCHEMA = {
    "run_id": pl.String,
    "suite": pl.String,
    "expectation_type": pl.String,
    "columns": pl.String,
    "severity": pl.String,
    "success": pl.Boolean,
    "observed": pl.String,
    "validated_at": pl.Datetime("us"),
}


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def store_report(con: duckdb.DuckDBPyConnection, report: ValidationReport) -> None:
    """Append one row per expectation; ``columns`` is a comma-separated list (empty for table checks)."""
    ensure_table(con)
    rows = [
        (
            report.run_id,
            report.suite,
            r.expectation_type,
            ", ".join(r.columns),
            r.severity,
            r.success,
            r.observed,
            report.validated_at,
        )
        for r in report.results
    ]
    if rows:
        con.executemany(
            "insert into validation.results (run_id, suite, expectation_type, columns, severity, success, observed, "
            "validated_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def latest_results(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """For each suite, the rows of its most recent validation (critical failures first)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'validation' and table_name = 'results'"
    ).fetchall()[0][0]  # DuckDB 2.0: fetchone() leaves the result open and blocks the connection
    if not exists:
        return pl.DataFrame(schema=SCHEMA)
    return con.sql(
        """select run_id, suite, expectation_type, columns, severity, success, observed, validated_at
        from validation.results
        qualify validated_at = max(validated_at) over (partition by suite)
        order by suite, success, severity, expectation_type, columns"""
    ).pl()
