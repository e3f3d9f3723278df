"""Run one suite: its check query in DuckDB, then the whole suite in one GX call on the small result.

GX's SQL datasource cannot read DuckDB (it closes the connection before reading; GX issues #10738,
#11579), and a GX call per expectation costs ~1.5 s; one pandas batch per suite costs ~50 ms. The GX
context is ephemeral, built once per process (importing GX takes seconds) and guarded by a lock, since
Prefect may run tasks on threads.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.validate.gx_loader import gx_ready
from flows.validate.queries import merged_params, parameter_value, run_query
from flows.validate.report import ValidationReport, record_from_gx
from flows.validate.suites import SuiteParameter, load_spec, load_suite

_GX_LOCK = threading.Lock()


def run_suite(con: duckdb.DuckDBPyConnection, suite: str, *, params: dict | None = None,
              expectations_dir: Path, sql_dir: Path, run_id: str) -> ValidationReport:
    """Validate without storing (e.g. on a read-only warehouse snapshot); see ``validate_suite``."""
    started = time.perf_counter()
    spec = load_spec(expectations_dir, suite)
    values = merged_params(spec, params)
    suite_parameters = {name: _suite_parameter(con, sql_dir, src, name, values, suite)
                        for name, src in spec.suite_parameters.items()}
    frame = run_query(con, sql_dir, spec.query, values, suite)
    gx_suite = load_suite(expectations_dir, suite)  # after the queries: GX may still be importing elsewhere
    index = tuple(c for c in spec.index_columns if c in frame.columns)
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": 3,
                     "unexpected_index_column_names": list(index)}
    with _GX_LOCK:
        batch = gx_ready().get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(gx_suite, result_format=result_format, expectation_parameters=suite_parameters)
    records = tuple(record_from_gx(r, index) for r in outcome.results)
    validated_at = datetime.now(UTC).replace(tzinfo=None)
    return ValidationReport(suite, run_id, validated_at, records, time.perf_counter() - started, outcome)


def _suite_parameter(con, sql_dir: Path, src: SuiteParameter, name: str, values: dict, suite: str):
    if src.query is None:
        value = values[src.param]
        return [value] if src.returns == "list" else value
    return parameter_value(run_query(con, sql_dir, src.query, values, suite), name, src.returns, suite)


__all__ = ["run_suite"]
