"""``disclose check SPEC``: a request checked as far as it can be without counting anything.

Its fields (spec.py), then every data part's offences resolved against the reference data exactly as
``disclose request`` resolves them (plan.part_offences), so a code or selection that request would refuse is
refused here, with the same field-named message; filter categories likewise (filters.check_filter_categories). The reference data is the home's warehouse when it has one
(what request will use), else the committed files loaded into an in-memory DuckDB; the result says which.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.requests.catalogue import MEASURES
from flows.requests.errors import SpecError
from flows.requests.filters import check_filter_categories
from flows.requests.models import DataPart, RequestSpec
from flows.requests.plan import part_offences
from flows.requests.spec import load_spec


@dataclass(frozen=True)
class SpecCheck:
    spec: RequestSpec
    sha256: str
    against: str  # the reference data the offences were resolved with, in words
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, reason), as request reports them
    later: list[str] = field(default_factory=list)  # filters whose categories only the warehouse knows


def check_spec(path: Path, settings: Settings) -> SpecCheck:
    """Raises SpecError for a spec whose fields are wrong; offence problems come back in ``problems``."""
    spec, digest = load_spec(path)
    problems: list[tuple[str, str]] = []
    with reference_data(settings) as (con, against):
        for index, part in enumerate(spec.parts):
            if not isinstance(part, DataPart):
                continue
            try:
                part_offences(con, part, MEASURES[part.measure], f"parts[{index}].offences")
            except SpecError as exc:
                problems += exc.problems
        found, later = check_filter_categories(con, spec)
    return SpecCheck(spec, digest, against, problems + found, later)


@contextmanager
def reference_data(settings: Settings) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
    """(connection, description): the warehouse's ref tables, or the committed files in memory when there is no
    warehouse, it holds no reference data yet, or another process has it open for writing."""
    con, against = _warehouse(settings)
    if con is None:
        con, against = _in_memory(settings, why=against)
    try:
        yield con, against
    finally:
        con.close()


def _warehouse(settings: Settings) -> tuple[duckdb.DuckDBPyConnection | None, str]:
    path = settings.warehouse_path
    if not path.exists():
        return None, f"no warehouse at {path}"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None, f"the warehouse at {path} is open for writing (a nightly run?)"
    try:
        version = con.sql("select version from ref.version").fetchall()[0][0]
        con.sql("select 1 from staging.police_uk_street_crimes limit 0").fetchall()
    except (duckdb.Error, IndexError):
        con.close()
        return None, f"the warehouse at {path} holds no reference data yet"
    return con, f"the warehouse at {path} (reference data version {version})"


def _in_memory(settings: Settings, why: str) -> tuple[duckdb.DuckDBPyConnection, str]:
    from flows.db import SCHEMAS
    from flows.ingest import prepare_warehouse
    from flows.reference.load import load_reference

    con = duckdb.connect()
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")  # our own constant names
    version = load_reference(con, settings.reference_dir).version
    prepare_warehouse(con, settings.reference_dir)  # empty staging tables: police.uk types come from the list
    return con, (
        f"the committed reference data in {settings.reference_dir} (version {version}), loaded in memory: "
        f"{why}"
    )
