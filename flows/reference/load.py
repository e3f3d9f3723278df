"""Load the committed reference data into the warehouse's ``ref`` schema and name its version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

TABLES = {
    "offences": "offences.csv",
    "offence_groups": "offence_groups.csv",
    "offence_selections": "offence_selections.csv",
    "custody_disposals": "custody_disposals.csv",
    "ho_outcome_types": "ho_outcome_types.csv",
    "ho_offence_codes": "ho_offence_codes.csv",
    "police_uk_crime_types": "police_uk_crime_types.csv",
    "police_uk_outcome_categories": "police_uk_outcome_categories.csv",
}


@dataclass(frozen=True)
class ReferenceVersion:
    version: str
    sha256: str


def reference_version(reference_dir: Path) -> ReferenceVersion:
    """The declared version plus a hash over every file (names and bytes), so silent edits are visible."""
    h = hashlib.sha256()
    for name in sorted(TABLES.values()):
        h.update(name.encode())
        h.update((reference_dir / name).read_bytes())
    return ReferenceVersion((reference_dir / "VERSION").read_text(encoding="utf-8").strip(), h.hexdigest())


def load_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path) -> ReferenceVersion:
    """Replace the ref.* tables with the committed files, all text columns (codes are strings)."""
    con.execute("create schema if not exists ref")
    for table, name in TABLES.items():
        path = str(reference_dir / name)
        con.execute(  # table names come from the TABLES constant
            f"create or replace table ref.{table} as select * from read_csv(?, header = true, all_varchar = true)",  # noqa: S608
            [path],
        )
    version = reference_version(reference_dir)
    con.execute(
        "create or replace table ref.version as select ? as version, ? as sha256",
        [version.version, version.sha256],
    )
    return version
