"""Validation with Great Expectations suites kept in ``expectations/``.

Every suite validates the small result of one check query run inside DuckDB (``sql/checks/``): marts are
selected whole, large staging tables arrive as per-file violation counts, so GX never holds big tables or
personal rows. A file's counts are computed once and kept (``per_file.py``): a night with no new files scans
no staging, yet GX validates every file's counts. GX is imported lazily (it takes seconds).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.validate.docs import render_data_docs
from flows.validate.gx_process import warm_up_in_background as warm_up  # start GX's process up front
from flows.validate.report import ExpectationRecord, ValidationReport
from flows.validate.results import latest_results, store_report
from flows.validate.runner import run_suite
from flows.validate.suites import SuiteError, load_suite, suite_names

__all__ = [
    "ExpectationRecord",
    "SuiteError",
    "ValidationReport",
    "latest_results",
    "load_suite",
    "render_data_docs",
    "run_suite",
    "store_report",
    "suite_names",
    "validate_suite",
    "warm_up",
]


def validate_suite(
    con: duckdb.DuckDBPyConnection,
    suite: str,
    *,
    params: dict | None = None,
    expectations_dir: Path,
    sql_dir: Path,
    run_id: str,
    full: bool = False,
) -> ValidationReport:
    """Run ``suite`` and append its results to ``validation.results``.

    ``sql_dir`` is the ``sql/`` root (``Settings.sql_dir``); suites name their queries relative to it.
    Raises ``SuiteError`` when the suite, its query or a parameter is unusable (a missing table included):
    that is a broken check, not a data failure. Data failures are in the report; ``blocks_publication``
    is true when any critical expectation failed or could not run. ``full``: a full pass (flows/validate/scope.py)
    recomputes every file's per-file counts instead of reusing the stored ones.
    """
    report = run_suite(
        con,
        suite,
        params=params,
        expectations_dir=expectations_dir,
        sql_dir=sql_dir,
        run_id=run_id,
        full=full,
    )
    store_report(con, report)
    return report
