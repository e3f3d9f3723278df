"""How far the data goes: the extracts held for a source, and the last whole day they cover.

A custody or crime extract covers every day before the moment it was taken. A data.police.uk file covers its
month only, and the time it was received stands in for an extract time, so its data end at the end of the
latest month delivered, however recently the file arrived. Requests refuse periods after that day, and the
standing calendar reports a dataset as not due until its data reach the period it covers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from flows.requests.periods import last_complete_day

#: the ledger's name (raw.extract_files.source) of the files each measure source is loaded from
LEDGER_SOURCE = {"custody": "custody", "crime": "crime", "police_uk": "police_uk_street",
                 "stop_search": "police_uk_stop_search"}  # fmt: skip
WHAT = {"custody": "custody extract", "crime": "crime extract", "police_uk": "data.police.uk street-level crime file",
        "stop_search": "data.police.uk stop-and-search file"}  # fmt: skip
_LATEST_MONTH = {
    "police_uk": "select max(month) from staging.police_uk_street_crimes",
    "stop_search": "select max(searched_at) from staging.police_uk_stop_searches",
}
LONDON = ZoneInfo("Europe/London")


def extract_span(con: duckdb.DuckDBPyConnection, source: str) -> tuple[datetime, datetime] | None:
    """The first and latest extract times of the loaded files of a source (None: nothing loaded)."""
    first, latest = con.sql(
        "select min(extracted_at), max(extracted_at) from raw.extract_files "
        "where status in ('loaded', 'partly quarantined') and source = $source",
        params={"source": LEDGER_SOURCE[source]},
    ).fetchall()[0]
    return None if latest is None else (first, latest)


def covers_until(con: duckdb.DuckDBPyConnection, source: str, as_at: datetime) -> date:
    """The last whole day the data known at ``as_at`` cover."""
    last = last_complete_day(as_at)
    if source not in _LATEST_MONTH:
        return last
    found = con.sql(_LATEST_MONTH[source]).fetchall()[0][
        0
    ]  # constant queries, keyed by an allow-listed source
    if found is None:
        return last
    if isinstance(found, datetime):
        found = (found.astimezone(LONDON) if found.tzinfo else found).date()
    month_end = (found.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return min(last, month_end)


def data_covers_until(con: duckdb.DuckDBPyConnection, source: str) -> date | None:
    """The last whole day the latest data of a source cover (None: nothing loaded)."""
    span = extract_span(con, source)
    return None if span is None else covers_until(con, source, span[1])
