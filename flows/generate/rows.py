"""Rows of an extract: a slice of the true state, shown as it stood at one delivery, as text columns.

Everything is text because that is what arrives: dates in the file's format, codes as strings, blanks for
"not yet". Dirty values (dirty.py) are then written over these strings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from flows.generate import custody_mix
from flows.generate.clock import EPOCH, MIN_PER_DAY, day_number
from flows.generate.crime import STATUSES, CrimeState
from flows.generate.crime_markers import STRAND_TEXT
from flows.generate.custody import CustodyState
from flows.generate.names import AGENCIES, ETHNICITY_WEIGHTS, GENDERS
from flows.generate.reference import CodeList
from flows.generate.schedule import DOMESTIC_ABUSE, HATE, KNIFE, MARKERS_FROM, FileStyle

CUSTODY_COLUMNS = (
    "custody_ref", "person_ref", "arrest_datetime", "offence_seq", "offence_code", "offence_description",
    "disposal", "disposal_date", "age_at_arrest", "gender", "self_defined_ethnicity", "station", "extracted_at",
)  # fmt: skip
CUSTODY_OPTIONAL = "arresting_agency"
CUSTODY_STATUS = "record_status"  # only when a run generates deletions (deletions.py)
CRIME_COLUMNS = (
    "crime_ref", "recorded_date", "committed_date", "ho_offence_code", "offence_description", "outcome_code",
    "outcome_date", "district", "extracted_at",
)  # fmt: skip
CRIME_OPTIONAL = "crime_status"
_EPOCH_SECONDS = int((np.datetime64(EPOCH, "s") - np.datetime64("1970-01-01T00:00:00", "s")).astype(np.int64))
_DIFFERS_FROM = np.array(
    [custody_mix.CHARGED, custody_mix.CAUTION, custody_mix.COMMUNITY, custody_mix.PENALTY]
)


@dataclass(frozen=True)
class Labels:
    """The text each category index stands for."""

    codes: CodeList
    places: tuple[str, ...]  # stations (custody) or districts (crime)


def columns(source: str, style: FileStyle, record_status: bool = False) -> list[str]:
    base, optional = (
        (CUSTODY_COLUMNS, CUSTODY_OPTIONAL) if source == "custody" else (CRIME_COLUMNS, CRIME_OPTIONAL)
    )
    out = [*base, optional] if style.optional_column else list(base)
    return [*out, CUSTODY_STATUS] if record_status and source == "custody" else [*out, *style.markers]


def custody_rows(
    state: CustodyState,
    recs: np.ndarray,
    version: np.ndarray,
    labels: Labels,
    style: FileStyle,
    extracted_at: str,
    deleted: np.ndarray | None = None,
) -> pl.DataFrame:
    """Offence rows of records `recs`, each at `version` (0 custody, 1 pending change, 2 final).

    Later versions may drop the last secondary offence and list the secondaries in reverse order, so a
    re-delivery must replace all of a record's earlier rows. With `deleted` (one flag per record), the rows get
    a record_status column: "deleted" on the records being deleted, blank on the rest.
    """
    later = version >= 1
    n_rows = state.n_off[recs] - (state.drop_last[recs] & later)
    rec = np.repeat(recs, n_rows)
    first_row = np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
    position = np.arange(rec.size) - first_row
    reverse = np.repeat(state.renumber[recs] & later, n_rows) & (position >= 1)
    offence = state.off_start[rec] + np.where(reverse, np.repeat(n_rows, n_rows) - position, position)
    row_version = np.repeat(version, n_rows)
    disposal = state.version_disposal[rec, row_version]
    differs = state.off_differs[offence] & (position >= 1) & np.isin(disposal, _DIFFERS_FROM)
    disposal = np.where(differs, custody_mix.NFA, disposal)
    code = state.off_code[offence]
    people = state.people
    frame = pl.DataFrame(
        {
            "custody_ref": _ref("CU", state.year[rec], state.counter[rec]),
            "person_ref": pl.Series(people.person[rec]).cast(pl.String).str.zfill(8).str.pad_start(9, "P"),
            "arrest_datetime": _format(state.arrest_min[rec], style.datetime_format),
            "offence_seq": pl.Series(position + 1).cast(pl.String),
            "offence_code": _gather(labels.codes.codes, code),
            "offence_description": _gather(labels.codes.titles, code),
            "disposal": _gather(custody_mix.DISPOSALS, disposal),
            "disposal_date": _format(state.version_min[rec, row_version], style.date_format),
            "age_at_arrest": pl.Series(people.age[rec]).cast(pl.String),
            "gender": _gather(GENDERS, people.gender[rec]),
            "self_defined_ethnicity": _gather(tuple(ETHNICITY_WEIGHTS), people.ethnicity[rec]),
            "station": _gather(labels.places, state.station[rec]),
            "extracted_at": pl.repeat(extracted_at, rec.size, dtype=pl.String, eager=True),
            CUSTODY_OPTIONAL: _gather(AGENCIES, state.agency[rec]),
        }
    )
    if deleted is not None:
        status = pl.Series(CUSTODY_STATUS, np.repeat(deleted, n_rows)).replace_strict(
            {True: "deleted", False: None}, return_dtype=pl.String
        )
        frame = frame.with_columns(status)
    return frame.select(columns("custody", style, record_status=deleted is not None))


def crime_rows(
    state: CrimeState, crimes: np.ndarray, delivery: int, routes: dict[str, np.ndarray], labels: Labels,
    style: FileStyle, extracted_at: str,
) -> pl.DataFrame:  # fmt: skip
    """Crimes `crimes` as they stood at `delivery`: outcome and status only once delivered."""
    has_outcome = routes["outcome"][crimes] <= delivery
    has_status = routes["status"][crimes] <= delivery
    recorded = state.recorded_min[crimes]
    committed = recorded - state.committed_days_before[crimes].astype(np.int64) * MIN_PER_DAY
    code = state.code[crimes]
    outcome = pl.Series(state.outcome[crimes]).cast(pl.String)
    frame = pl.DataFrame(
        {
            "crime_ref": _ref("CR", state.year[crimes], state.counter[crimes]),
            "recorded_date": _format(recorded, style.date_format),
            "committed_date": _format(committed, style.date_format),
            "ho_offence_code": _gather(labels.codes.codes, code),
            "offence_description": _gather(labels.codes.titles, code),
            "outcome_code": pl.select(pl.when(pl.Series(has_outcome)).then(outcome)).to_series(),
            "outcome_date": _format(state.outcome_min[crimes], style.date_format, pl.Series(has_outcome)),
            "district": _gather(labels.places, state.district[crimes]),
            "extracted_at": pl.repeat(extracted_at, crimes.size, dtype=pl.String, eager=True),
            CRIME_OPTIONAL: _gather(STATUSES, np.where(has_status, state.status[crimes], 0)).replace(
                "", None
            ),
            **_markers(state, crimes, recorded, style.markers),
        }
    )
    return frame.select(columns("crime", style))


def _markers(state: CrimeState, crimes: np.ndarray, recorded: np.ndarray, present: tuple[str, ...]) -> dict:
    """The marker columns a file carries: Y/N flags, blank where the crime predates the flag being recorded
    (not recorded); hate crime strands, blank for none."""
    since = {name: day_number(d) * MIN_PER_DAY for name, d in MARKERS_FROM}
    out: dict[str, pl.Series] = {}
    for name, flag in ((DOMESTIC_ABUSE, state.domestic_abuse), (KNIFE, state.knife)):
        if name in present:
            text = _gather(("N", "Y"), flag[crimes])
            out[name] = pl.select(pl.when(pl.Series(recorded >= since[name])).then(text)).to_series()
    if HATE in present:
        strands = np.where(recorded >= since[HATE], state.hate_strands[crimes], 0)
        out[HATE] = _gather(STRAND_TEXT, strands).replace("", None)
    return out


def format_minutes(minutes: np.ndarray, fmt: str) -> pl.Series:
    return _format(minutes, fmt)


def _format(minutes: np.ndarray, fmt: str, keep: pl.Series | None = None) -> pl.Series:
    seconds = pl.Series(minutes.astype(np.int64) * 60 + _EPOCH_SECONDS)
    text = pl.from_epoch(seconds, time_unit="s").dt.strftime(fmt)
    return text if keep is None else pl.select(pl.when(keep).then(text)).to_series()


def _gather(values: tuple[str, ...], index: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(pl.Series(index.astype(np.int64)))


def _ref(prefix: str, year: np.ndarray, counter: np.ndarray) -> pl.Series:
    return pl.select(
        pl.concat_str(
            [
                pl.lit(f"{prefix}/"),
                pl.Series(year).cast(pl.String),
                pl.lit("/"),
                pl.Series(counter).cast(pl.String).str.zfill(7),
            ]
        )
    ).to_series()
