"""Decide what a delivered file is and how to read it, or reject it whole with one line saying why.

Formats: CSV (UTF-8, UTF-8 with BOM, Windows-1252), XLSX (converted safely to CSV) and Parquet. The header
then picks the source: a canonical extract, a data.police.uk file, or a force format described by a
profile. The result is a plan: the file DuckDB will read, which file column feeds each canonical column,
and the parameters the source's check SQL needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows.ingest.encoding import Sniffed, as_utf8, mixed_encodings, read_header
from flows.ingest.profiles import DEFAULT_DATE_FORMATS, DEFAULT_DATETIME_FORMATS, Profile, choose_profile
from flows.ingest.read import Column, Prepared
from flows.ingest.sources import BY_NAME, Source, classify, normalise_header
from flows.ingest.xlsx import WorkbookRejected, XlsxLimits, convert

TEXT_SUFFIXES = {".csv"}
REFUSED_WORKBOOKS = {".xls": "legacy binary .xls", ".xlsm": "macro-enabled .xlsm", ".xlsb": "binary .xlsb"}


NEVER_MATCHES = "\x01%Y"  # DuckDB refuses an empty format list; this format matches no real value


class Rejected(Exception):
    """The whole file is refused; ``reason`` is the one line the ledger and the run report show."""

    def __init__(self, reason: str, source: Source | None = None, file_format: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.source, self.file_format = reason, source, file_format


@dataclass
class Plan:
    prepared: Prepared
    source: Source
    columns: list[Column]
    params: dict = field(default_factory=dict)
    profile: Profile | None = None
    file_format: str = "csv"


def plan_file(
    path: Path,
    name: str,
    sniffed: Sniffed,
    scratch: Path,
    profiles: tuple[Profile, ...],
    xlsx_limits: XlsxLimits | None = None,
) -> Plan:
    suffix = Path(name).suffix.lower()
    if suffix in REFUSED_WORKBOOKS:
        raise Rejected(
            f"{REFUSED_WORKBOOKS[suffix]} workbooks are not accepted: save the sheet as .xlsx or CSV"
        )
    if sniffed.bytes == 0:
        raise Rejected("the file is empty")
    if suffix == ".xlsx":
        prepared = _xlsx(path, sniffed, scratch, profiles, name, xlsx_limits or XlsxLimits())
        fmt = "xlsx"
    elif suffix == ".parquet":
        prepared, fmt = _parquet(path, sniffed), "parquet"
    elif suffix in TEXT_SUFFIXES:
        prepared, fmt = _text(path, sniffed, scratch), "csv"
    else:
        raise Rejected(f"'{suffix or 'no extension'}' files are not accepted: deliver CSV, XLSX or Parquet")
    plan = _classify(prepared, name, profiles, fmt)
    plan.file_format = fmt
    return plan


def _text(path: Path, sniffed: Sniffed, scratch: Path) -> Prepared:
    if sniffed.kind == "zip":
        raise Rejected(
            "a zip archive (or workbook) named as CSV: deliver the CSV itself, or name an XLSX .xlsx"
        )
    if sniffed.kind == "ole":
        raise Rejected("a legacy Office (.xls) or encrypted file named as CSV: export the extract as CSV")
    if sniffed.kind == "parquet":
        raise Rejected("a Parquet file named as CSV: name it .parquet")
    if sniffed.problem or sniffed.encoding is None:
        raise Rejected(sniffed.problem or "not text")
    encoding = sniffed.encoding
    try:
        header = read_header(path, "utf-8-sig")
        if sniffed.first_non_ascii_is_utf8 is False:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "a later byte is not UTF-8")
    except UnicodeDecodeError:
        encoding = "cp1252"
        _windows_1252(path, sniffed)
        header = read_header(path, encoding)
    if header and len(header) == 1 and (";" in header[0] or "\t" in header[0] or "|" in header[0]):
        raise Rejected(
            "the header has no commas (the file looks semicolon-, tab- or pipe-separated): deliver "
            "comma-separated CSV"
        )
    return Prepared(
        as_utf8(path, encoding, scratch),
        "csv",
        header,
        scan_for_blanks=sniffed.may_have_blank_lines,
        ends_with_newline=sniffed.ends_with_newline,
        encoding=encoding,
    )


def as_windows_1252(original: Path, prepared: Prepared, sniffed: Sniffed, scratch: Path) -> Prepared:
    """DuckDB found bytes that are not UTF-8: read the file as Windows-1252 instead, if it can be that."""
    if prepared.encoding == "cp1252" or prepared.format != "csv" or prepared.note:
        raise Rejected("not valid UTF-8 text")
    _windows_1252(original, sniffed)
    prepared.path = as_utf8(original, "cp1252", scratch)
    prepared.encoding = "cp1252"
    return prepared


def _windows_1252(path: Path, sniffed: Sniffed) -> None:
    """Refuse a file that is not UTF-8 and cannot be Windows-1252 either (an undefined byte, mixed encodings)."""
    if why := sniffed.not_utf8() or mixed_encodings(path):
        raise Rejected(why)


def _xlsx(
    path: Path, sniffed: Sniffed, scratch: Path, profiles: tuple[Profile, ...], name: str, limits: XlsxLimits
) -> Prepared:
    if sniffed.kind == "ole":
        raise Rejected(
            "the workbook is encrypted (password-protected) or a legacy .xls renamed: deliver a plain .xlsx",
            file_format="xlsx",
        )
    if sniffed.kind != "zip":
        raise Rejected("not an XLSX workbook (no zip container)", file_format="xlsx")

    def recognise(header: list[str]) -> bool:
        return classify(header)[0] is not None or choose_profile(profiles, name, header)[0] is not None

    try:
        sheet = convert(path, scratch, recognise, limits)
    except WorkbookRejected as exc:
        raise Rejected(str(exc), file_format="xlsx") from None
    note = f"sheet '{sheet.sheet}'" + (
        f"; other sheets ignored: {', '.join(sheet.other_sheets)}" if sheet.other_sheets else ""
    )
    return Prepared(
        sheet.csv_path,
        "csv",
        sheet.header,
        blank_records=sheet.blank_records,
        note=note,
        formulas=sheet.formulas,
    )


def _parquet(path: Path, sniffed: Sniffed) -> Prepared:
    if sniffed.kind != "parquet":
        raise Rejected("not a Parquet file (no PAR1 header)", file_format="parquet")
    try:
        con = duckdb.connect()
        try:
            header = [
                r[0]
                for r in con.sql(
                    "describe select * from read_parquet($p)", params={"p": str(path)}
                ).fetchall()
            ]
        finally:
            con.close()
    except duckdb.Error:
        raise Rejected("not a readable Parquet file", file_format="parquet") from None
    return Prepared(path, "parquet", header)


def _classify(prepared: Prepared, name: str, profiles: tuple[Profile, ...], fmt: str) -> Plan:
    header = prepared.header
    normalised = [normalise_header(h) for h in header]
    source, missing = classify(header)
    if source is not None and not missing:
        if len(set(normalised)) != len(normalised):
            raise Rejected("the header repeats a column name", source, fmt)
        columns = [Column(c, normalised.index(c) if c in normalised else None) for c in source.columns]
        return Plan(prepared, source, columns, _params(source, header=normalised))
    profile, why = choose_profile(profiles, name, header)
    if why:
        raise Rejected(why, BY_NAME[profile.source] if profile else None, fmt)
    if profile is not None:
        return _profile_plan(prepared, profile, normalised, fmt)
    if source is not None:
        raise Rejected(f"missing required column(s) {', '.join(missing)}", source, fmt)
    raise Rejected(
        "not a recognised extract: the header matches no canonical format, data.police.uk format or "
        "profile in data/profiles",
        None,
        fmt,
    )


def _profile_plan(prepared: Prepared, profile: Profile, normalised: list[str], fmt: str) -> Plan:
    source = BY_NAME[profile.source]
    wanted = {normalise_header(h) for h in profile.columns.values()}
    if any(normalised.count(h) > 1 for h in wanted):
        raise Rejected(f"profile {profile.name}: the header repeats a mapped column name", source, fmt)
    columns = []
    for c in source.columns:
        header = profile.columns.get(c)
        # an optional column the profile maps may be missing from a file (required ones were checked already)
        wanted_header = normalise_header(header) if header is not None else None
        position = normalised.index(wanted_header) if wanted_header in normalised else None
        columns.append(Column(c, position, header, has_value_map=c in profile.values))
    params = _params(source, date_formats=profile.date_formats, datetime_formats=profile.datetime_formats)
    return Plan(prepared, source, columns, params, profile)


def _params(
    source: Source,
    *,
    header: list[str] | None = None,
    date_formats=DEFAULT_DATE_FORMATS,
    datetime_formats=DEFAULT_DATETIME_FORMATS,
) -> dict:
    if not source.has_extracted_at:
        legacy = header is not None and "easting" in header
        return {"header_format": "2012 legacy" if legacy else "current"}
    formats = list(dict.fromkeys([*datetime_formats, *date_formats]))
    swapped = [swap_day_month(f) for f in formats if "%d" in f and "%m" in f]
    params: dict = {"swapped_formats": swapped or [NEVER_MATCHES]}
    for column, kind in source.date_columns:
        params[f"{column}_formats"] = list(date_formats if kind == "date" else datetime_formats)
    return params


def swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
