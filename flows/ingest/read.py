"""Read one prepared file into the temp view ``batch``: canonical column names, every value as text, exact
row numbers, and the rows DuckDB could not split into fields listed with their reasons.

The file's columns are read by position (``c0001``...), so header text never reaches SQL, and only the
columns a source or profile maps are selected: unmapped columns (names, addresses) are never materialised.
Structural problems (wrong column count, broken quoting, over-long rows) come from DuckDB's rejects table,
whose error text is never shown because it quotes the row. A workbook row with a formula in a column read
is quarantined too, and left out of ``batch`` (xlsx.py writes formula cells blank).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows.ingest.rownumbers import blank_records, gap_table

MAX_LINE_BYTES = 1 << 20
REJECT_REASONS = {
    "MISSING COLUMNS": "wrong column count: fewer fields than the header",
    "TOO MANY COLUMNS": "wrong column count: more fields than the header",
    "UNQUOTED VALUE": "broken quoting: text after a closing quote, or a quote that is never closed",
    "LINE SIZE OVER MAXIMUM": f"row longer than {MAX_LINE_BYTES // 2**20} MiB",
    "INVALID ENCODING": "not valid UTF-8 text",
    "INVALID UNICODE": "not valid UTF-8 text",
}


class FileUnreadable(ValueError):
    """The file as a whole cannot be parsed; the message never quotes its contents."""


@dataclass(frozen=True)
class Column:
    """One canonical column: where it comes from in the file (None: absent optional column -> null)."""

    name: str
    position: int | None
    header: str | None = None
    has_value_map: bool = False


@dataclass
class Prepared:
    path: Path  # UTF-8 CSV (original, transcoded or converted) or Parquet
    format: str  # csv | parquet
    header: list[str]
    scan_for_blanks: bool = False
    blank_records: list[int] = field(default_factory=list)
    ends_with_newline: bool = True
    note: str | None = None
    encoding: str | None = None  # of the delivered text: utf-8 | utf-8-sig | cp1252
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # workbook formula cells (xlsx.py)


@dataclass(frozen=True)
class RejectedRow:
    row_number: int
    column: str | None
    reason: str


@dataclass
class BatchRead:
    accepted: int
    rejected: list[RejectedRow]
    invalid_encoding: bool = False  # some rows are not UTF-8: the file is read again as Windows-1252

    @property
    def rows_read(self) -> int:
        return self.accepted + len(self.rejected)


def read_batch(con: duckdb.DuckDBPyConnection, prepared: Prepared, columns: list[Column]) -> BatchRead:
    if prepared.format == "parquet":
        return _read_parquet(con, prepared, columns)
    return _read_csv(con, prepared, columns)


def _positional(n: int) -> list[str]:
    return [f"c{i + 1:04d}" for i in range(n)]


def _read_csv(con: duckdb.DuckDBPyConnection, prepared: Prepared, columns: list[Column]) -> BatchRead:
    names = _positional(len(prepared.header))
    wanted = [names[c.position] for c in columns if c.position is not None]
    spec = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"  # generated names only
    con.execute("drop table if exists disclose_reject_errors; drop table if exists disclose_reject_scans")
    try:
        accepted = con.execute(  # a CTAS answers with its row count
            f"""create or replace temp table batch_raw as
                select {", ".join(wanted) or "null::varchar as c0000"}
                from read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
                              columns = {spec}, store_rejects = true, rejects_scan = 'disclose_reject_scans',
                              rejects_table = 'disclose_reject_errors', max_line_size = {MAX_LINE_BYTES})""",  # noqa: S608
            {"path": str(prepared.path)},
        ).fetchall()[0][0]
    except duckdb.Error as exc:
        raise FileUnreadable(_whole_file_reason(exc)) from None
    errors = _reject_errors(con)
    if any("INVALID" in kinds for _, _, kinds, _ in errors):
        return BatchRead(0, [], invalid_encoding=True)
    rejected = [
        RejectedRow(int(line) - 1, _column_name(idx, prepared.header, columns), _reason(kinds))
        for line, idx, kinds, _ in errors
    ]
    blanks = blank_records(prepared.path) if prepared.scan_for_blanks else prepared.blank_records
    _refine_last_row(errors, rejected, prepared, accepted + len(rejected) + len(blanks), blanks)
    formula_rows = _formula_rows(prepared.formulas, prepared.header, columns)
    skipped = [r.row_number for r in rejected] + list(blanks)
    _create_view(con, columns, names, skipped, "rowid + 1", [r.row_number for r in formula_rows])
    return BatchRead(
        accepted - len(formula_rows), sorted(rejected + formula_rows, key=lambda r: r.row_number)
    )


def _formula_rows(
    formulas: list[tuple[int, int, str]], header: list[str], columns: list[Column]
) -> list[RejectedRow]:
    """Rows with a formula in a column that is read, with their cells named: quarantined and left out of
    ``batch`` (their formula cells were written blank, and a value must never be staged as a blank)."""
    read = {c.position for c in columns if c.position is not None}
    by_row: dict[int, list[tuple[int, str]]] = {}
    for row, position, cell in formulas:
        if position in read:
            by_row.setdefault(row, []).append((position, cell))
    return [
        RejectedRow(
            row,
            _column_name(cells[0][0], header, columns),
            "formula in "
            + ", ".join(f"{cell} (column {_column_name(p, header, columns)})" for p, cell in cells)
            + ": an extract must hold values, not formulas (paste the cells as values and deliver it again)",
        )
        for row, cells in by_row.items()
    ]


def _reject_errors(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """DuckDB creates the rejects table with every read that stores rejects, empty if nothing was rejected."""
    try:
        return con.sql(
            "select line, min(column_idx), string_agg(distinct error_type, '; ' order by error_type), "
            "any_value(csv_line) from disclose_reject_errors group by line order by line"
        ).fetchall()
    except duckdb.CatalogException:
        return []


def _refine_last_row(
    errors: list, rejected: list[RejectedRow], prepared: Prepared, total: int, blanks: list[int]
) -> None:
    """A bad final record in a file without a final line break is a truncated last line; a quote opened in
    the final record that swallows line breaks means the rest of the file cannot be read at all."""
    if not rejected:
        return
    row = rejected[-1].row_number
    if row + sum(1 for b in blanks if b > row) != total:
        return
    kinds, text = errors[-1][2], (errors[-1][3] or "").lstrip("\r\n")
    if "UNQUOTED VALUE" in kinds and ("\n" in text or "\r" in text):
        raise FileUnreadable(
            f"row {rejected[-1].row_number} opens a quote that is never closed, so the rest of the file cannot be "
            "split into rows: fix the quoting and deliver it again"
        )
    if not prepared.ends_with_newline and kinds in ("MISSING COLUMNS", "UNQUOTED VALUE"):
        rejected[-1] = RejectedRow(
            rejected[-1].row_number,
            rejected[-1].column,
            "truncated last line: the file ends part-way through this row",
        )


def _read_parquet(con: duckdb.DuckDBPyConnection, prepared: Prepared, columns: list[Column]) -> BatchRead:
    """``batch_raw`` is a view over the file where it lies. Parquet is columnar and typed: a text copy was
    written and then read back by the checks (for a 35.7M-row national crime file, 7.6 s and a spill to disk;
    its check took twice as long). A page that cannot be decoded is then met by the checks, which reject the
    file (flows/ingest/load_file.py), as this read did."""
    names = _positional(len(prepared.header))
    wanted = [
        f"cast({names[c.position]} as varchar) as {names[c.position]}"
        for c in columns
        if c.position is not None
    ]
    view = f"""create or replace temp view batch_raw as
        select file_row_number, {", ".join(wanted)}
        from read_parquet({_literal(str(prepared.path))}, file_row_number = true) as t({", ".join(names)})"""  # noqa: S608 - generated names and a quoted path only
    try:  # a view cannot take parameters: the path is a quoted literal
        con.execute(view)
        accepted = con.execute("select count(*) from batch_raw").fetchall()[0][0]
    except duckdb.Error:
        raise FileUnreadable("not a readable Parquet file") from None
    _create_view(con, columns, names, [], "file_row_number + 1")
    return BatchRead(accepted, [])


def _literal(text: str) -> str:
    """A string as a SQL literal (quotes doubled; DuckDB strings have no other escapes)."""
    if "\x00" in text:
        raise FileUnreadable("a path with a NUL character")
    return "'" + text.replace("'", "''") + "'"


def _create_view(
    con: duckdb.DuckDBPyConnection,
    columns: list[Column],
    names: list[str],
    skipped: list[int],
    ordinal: str,
    withheld: list[int] = (),
) -> None:
    """``batch``: row_number plus canonical columns; profile spellings mapped through ``batch_values``.
    ``skipped``: records not in ``batch_raw``; ``withheld``: records in it that ``batch`` leaves out."""
    select, joins = [], []
    for i, c in enumerate(columns):
        if c.position is None:
            select.append(f"null::varchar as {c.name}")
        elif c.has_value_map:
            raw = f"b.{names[c.position]}"
            joins.append(
                f"left join batch_values as v{i} on v{i}.column_name = '{c.name}' "
                f"and v{i}.spelling = upper(trim({raw}))"
            )
            select.append(f"coalesce(v{i}.code, {raw}) as {c.name}")
        else:
            select.append(f"b.{names[c.position]} as {c.name}")
    gaps = gap_table(skipped)
    if gaps:
        con.execute("create or replace temp table batch_gaps (gap bigint, n bigint)")
        con.executemany("insert into batch_gaps values (?, ?)", gaps)
        numbered = f"b.{ordinal} + coalesce(g.n, 0)"
        joins.insert(0, f"asof left join batch_gaps as g on b.{ordinal} > g.gap")
    else:
        numbered = f"b.{ordinal}"
    # canonical column names and generated aliases only; no file text reaches this statement
    view = f"select {numbered} as row_number, {', '.join(select)} from batch_raw as b {' '.join(joins)}"  # noqa: S608
    if withheld:
        con.execute("create or replace temp table batch_withheld (row_number bigint primary key)")
        con.executemany("insert into batch_withheld values (?)", [[r] for r in withheld])
        view = f"select * from ({view}) where row_number not in (select row_number from batch_withheld)"  # noqa: S608
    con.execute(f"create or replace temp view batch as {view}")


def _column_name(idx: int | None, header: list[str], columns: list[Column]) -> str | None:
    if idx is None or not 0 <= int(idx) < len(header):
        return None
    position = int(idx)
    for c in columns:
        if c.position == position:
            return c.name
    return header[position].strip() or None


def _reason(kinds: str) -> str:
    return "; ".join(REJECT_REASONS.get(k, f"malformed row ({k.lower()})") for k in kinds.split("; "))


def _whole_file_reason(exc: duckdb.Error) -> str:
    text = str(exc)
    if "state machine reached an invalid state" in text:
        return (
            "cannot be split into rows: line endings change part-way (CRLF and LF mixed) or quoting is "
            "broken; re-export the file"
        )
    if "Invalid unicode" in text or "invalid unicode" in text.lower():
        return "not valid UTF-8 text"
    return f"cannot be parsed as CSV ({type(exc).__name__})"
