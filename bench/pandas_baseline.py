"""The pandas baseline: the standing arrests table the way a careful analyst would write it by hand,
reading the same landed files as the floor (custody for the table, crime too, since the nightly run loads
them), with usecols, dtypes and the pyarrow engine, then groupby, pivot and to_excel."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

CUSTODY = ["custody_ref", "arrest_datetime", "offence_seq", "offence_code", "disposal", "extracted_at"]
FORMATS = {"iso": "%Y-%m-%d %H:%M", "uk": "%d/%m/%Y %H:%M"}


def _files(landing: Path, source: str) -> list[dict]:
    summary = json.loads((landing / "generator-summary.json").read_text())
    return [f for f in summary["files"] if f["source"] == source and f["path"].endswith(".csv")]


def _custody(landing: Path, f: dict) -> pd.DataFrame:
    frame = pd.read_csv(
        landing / f["path"],
        usecols=CUSTODY,
        dtype="string",
        engine="pyarrow",
        encoding=f["encoding"].replace("-sig", "_sig"),
    )
    fmt = FORMATS[f["date_style"]]
    frame["extracted_at"] = pd.to_datetime(frame["extracted_at"], format=fmt, errors="coerce")
    frame["year"] = pd.to_datetime(frame["arrest_datetime"], format=fmt, errors="coerce").dt.year.astype(
        "Int64"
    )
    return frame.drop(columns="arrest_datetime")


def standing_table(landing: Path, reference: Path, out: Path) -> pd.DataFrame:
    rows = pd.concat([_custody(landing, f) for f in _files(landing, "custody")], ignore_index=True)
    latest = rows.groupby("custody_ref")["extracted_at"].transform("max")
    principal = rows[(rows["extracted_at"] == latest) & (rows["offence_seq"] == "1")]
    offences = pd.read_csv(reference / "offences.csv", usecols=["cjs_code", "offence_group"], dtype="string")
    disposals = pd.read_csv(
        reference / "custody_disposals.csv", usecols=["disposal", "disposal_group"], dtype="string"
    )
    joined = principal.merge(offences, left_on="offence_code", right_on="cjs_code").merge(
        disposals, on="disposal"
    )
    counts = joined.groupby(["offence_group", "year", "disposal_group"]).size()
    table = counts.unstack("disposal_group", fill_value=0)
    crimes = [
        pd.read_csv(
            landing / f["path"],
            dtype="string",
            engine="pyarrow",
            encoding=f["encoding"].replace("-sig", "_sig"),
        )
        for f in _files(landing, "crime")
    ]
    pd.concat(crimes, ignore_index=True)  # loaded as the nightly run loads them; nothing more
    table.to_excel(out, sheet_name="Arrests")
    return table
