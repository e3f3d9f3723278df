"""A file's extraction time: the most common ``extracted_at`` in it, as text (before the checks) and typed (after).

An export stamps the same time on every row, so ``min = max`` almost always answers the question, at a
fraction of what DuckDB's ``mode`` costs (measured: 0.04 s against 0.5 s on 6M rows). Only a file whose
rows disagree pays for ``mode``; either way the answer is exactly ``mode``'s.
"""

from __future__ import annotations

import duckdb

from flows.db import scalar


def file_extracted_at_text(con: duckdb.DuckDBPyConnection) -> str | None:
    """``mode(nullif(trim(extracted_at), ''))`` over the temp view ``batch``."""
    low, high, trimmed = con.execute(
        "select min(extracted_at), max(extracted_at), nullif(trim(min(extracted_at)), '') from batch"
    ).fetchall()[0]
    if low == high:  # every value the same (or none at all): the mode is that value, trimmed
        return trimmed
    return scalar(con, "select mode(nullif(trim(extracted_at), '')) from batch")


def file_extracted_at(con: duckdb.DuckDBPyConnection) -> object:
    """``mode(extracted_at)`` over the typed temp table ``checked``."""
    low, high = con.execute("select min(extracted_at), max(extracted_at) from checked").fetchall()[0]
    if low == high:
        return low
    return scalar(con, "select mode(extracted_at) from checked")
