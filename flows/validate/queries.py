"""Run a suite's check queries inside DuckDB and hand GX only their small results.

Queries take named DuckDB parameters (``$name``) and nothing else. DuckDB rejects a parameter the query
does not use, so each query gets just the parameters its text names. A query that takes ``$checked_file_ids``
is a per-file check, run only for files not checked before (flows/validate/per_file.py). Results are Arrow
tables; pandas (GX's batch format) is made from them in the GX process (:func:`as_gx_frame`), so the parent
never imports it (0.14 s of a cold request).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from flows.validate.per_file import PARAM as PER_FILE_PARAM
from flows.validate.per_file import per_file_rows, sql_code, takes_file_ids
from flows.validate.suites import SuiteError, SuiteSpec

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def merged_params(spec: SuiteSpec, params: dict | None) -> dict[str, Any]:
    """The suite's defaults overridden by the caller's; an unknown name is a typo, not a new parameter."""
    unknown = sorted(set(params or {}) - set(spec.params))
    if unknown:
        raise SuiteError(f"suite {spec.name!r} has no parameter(s) {unknown}; it takes {sorted(spec.params)}")
    return {**spec.params, **(params or {})}


def run_query(
    con: duckdb.DuckDBPyConnection,
    sql_dir: Path,
    relative: str,
    params: dict[str, Any],
    suite: str,
    *,
    full: bool = False,
) -> pa.Table:
    """The check query's result; ``full`` (a full validation pass) recomputes every file's per-file row."""
    path = sql_dir / relative
    try:
        sql = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SuiteError(f"suite {suite!r}: check query {path} does not exist") from None
    used = referenced_params(sql)
    per_file = takes_file_ids(used)
    used.discard(PER_FILE_PARAM)  # supplied by per_file_rows, never by the suite
    missing = sorted(used - set(params))
    if missing:
        raise SuiteError(
            f"suite {suite!r}: {path.name} needs parameter(s) {missing}; declare them in meta.disclose.params"
        )
    if per_file:
        return per_file_rows(
            con, sql, {k: params[k] for k in used}, query=relative, suite=suite, reuse=not full
        )
    try:
        return con.sql(sql, params={k: params[k] for k in used}).to_arrow_table()
    except duckdb.Error as exc:
        raise SuiteError(f"suite {suite!r}: check query {path.name} failed: {exc}") from None


def referenced_params(sql: str) -> set[str]:
    return set(_PARAM.findall(sql_code(sql)))


def parameter_value(table: pa.Table, name: str, returns: str, suite: str) -> Any:
    """A parameter query's result as a GX suite parameter: all values of its one column, or its one value
    (decimals as floats, as pandas gave them)."""
    if table.num_columns != 1:
        raise SuiteError(
            f"suite {suite!r}: parameter query {name!r} must return one column, not {table.num_columns}"
        )
    values = [_plain(v) for v in table.column(0).to_pylist() if v is not None and v == v]  # not NULL, not NaN
    if returns == "list":
        return values
    if len(values) != 1:
        raise SuiteError(
            f"suite {suite!r}: parameter query {name!r} must return one value, not {len(values)}"
        )
    return values[0]


def as_gx_frame(table: pa.Table) -> pd.DataFrame:
    """The frame GX validates: DuckDB's own pandas conversion of the query's result (so types are exactly
    those of ``.df()`` on the query), made GX-safe."""
    return gx_friendly(duckdb.from_arrow(table).df())


def gx_friendly(frame: pd.DataFrame) -> pd.DataFrame:
    """DuckDB gives nullable Int64 columns when a column holds NULLs; GX's pandas pair metrics then fail with
    "boolean value of NA is ambiguous". Counts stay exact in float64 (below 2**53), so use that there."""
    import pandas as pd

    out = {}
    for name, col in frame.items():
        if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_numeric_dtype(
            col.dtype
        ):
            out[name] = col.astype("float64") if col.isna().any() else col.astype(col.dtype.numpy_dtype)
    return frame.assign(**out) if out else frame


def _plain(v: Any) -> Any:
    return float(v) if isinstance(v, Decimal) else v
