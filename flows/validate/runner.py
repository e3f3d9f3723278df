"""Run one suite: its check query in DuckDB, then the whole suite in one GX call on the small result.

GX's SQL datasource cannot read DuckDB (it closes the connection before reading; GX issues #10738,
#11579), and a GX call per expectation costs ~1.5 s; one pandas batch per suite costs ~50 ms. GX itself runs
in a child process (:mod:`flows.validate.gx_process`), so its seconds of importing overlap the queries.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.validate.gx_process import PROCESS
from flows.validate.queries import merged_params, parameter_value, run_query
from flows.validate.report import ValidationReport
from flows.validate.suites import SuiteParameter, load_spec


def run_suite(
    con: duckdb.DuckDBPyConnection,
    suite: str,
    *,
    params: dict | None = None,
    expectations_dir: Path,
    sql_dir: Path,
    run_id: str,
    full: bool = False,
) -> ValidationReport:
    """Validate without storing (e.g. on a read-only warehouse snapshot); see ``validate_suite``."""
    started = time.perf_counter()
    spec = load_spec(expectations_dir, suite)
    values = merged_params(spec, params)
    suite_parameters = {
        name: _suite_parameter(con, sql_dir, src, name, values, suite)
        for name, src in spec.suite_parameters.items()
    }
    frame = run_query(con, sql_dir, spec.query, values, suite, full=full)
    index = tuple(c for c in spec.index_columns if c in frame.column_names)
    result_format = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": 3,
        "unexpected_index_column_names": list(index),
    }
    records, outcome = PROCESS.validate(frame, spec.path, result_format, suite_parameters, index)
    validated_at = datetime.now(UTC).replace(tzinfo=None)
    return ValidationReport(suite, run_id, validated_at, records, time.perf_counter() - started, outcome)


def _suite_parameter(con, sql_dir: Path, src: SuiteParameter, name: str, values: dict, suite: str):
    if src.query is None:
        value = values[src.param]
        return [value] if src.returns == "list" else value
    return parameter_value(run_query(con, sql_dir, src.query, values, suite), name, src.returns, suite)


__all__ = ["run_suite"]
