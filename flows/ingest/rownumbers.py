"""Exact row numbers: data row N is the Nth CSV record after the header, whatever the file looks like.

DuckDB keeps the accepted rows in file order and numbers its rejected rows by record, not by physical line
(quoted newlines do not shift it; checked on 250 MB files read in parallel). What it does not tell us is
which records were blank lines: it skips them silently but counts them. So the accepted row k is the k-th
record that is neither rejected nor blank. Blank records are looked for with Python's csv module only when
the hashing pass saw two line breaks in a row, which most files never have; otherwise the numbering costs
nothing beyond DuckDB's own read.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from pathlib import Path


def blank_records(path: Path) -> list[int]:
    """Record numbers (1-based after the header) of empty records, read the way DuckDB reads the file."""
    csv.field_size_limit(sys.maxsize)
    blanks = []
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=False)
        next(reader, None)
        for number, record in enumerate(reader, start=1):
            if not record:
                blanks.append(number)
    return blanks


def gap_table(skipped: Iterable[int]) -> list[tuple[int, int]]:
    """(gap, n) pairs such that accepted row k has number k + n for the largest gap < k.

    With the skipped record numbers s_1 < s_2 < ... (rejected or blank), the j-th one leaves
    g_j = s_j - j accepted rows before it; accepted row k is preceded by every s_j with g_j < k."""
    pairs: dict[int, int] = {}
    for j, s in enumerate(sorted(set(skipped)), start=1):
        pairs[s - j] = j
    return sorted(pairs.items())


def number_of(k: int, gaps: list[tuple[int, int]]) -> int:
    """The record number of accepted row k (a reference implementation of the SQL join, for tests)."""
    n = 0
    for gap, j in gaps:
        if gap < k:
            n = j
    return k + n
