"""How much a nightly validation covers: what changed since the last passing one, or everything.

Incremental (most nights): the files loaded since the last pass that validated cleanly, and the records of core
those files changed, as the incremental transform recorded them (``core.build_changes``, flows/db/transform.py;
nothing is recomputed to find them). Per-file suites compute only those files' counts and reuse every other
file's stored row (flows/validate/per_file.py); a file that passed and did not change gives the same verdict
again. GX still validates every file's row (one row a file: a few hundred rows after ten years), and the marts
suite reads its mart whole (one row per label combination, 1,254 at force scale: it grows by a year's cells a
year, not with the rows delivered).

Full: every file recounted from staging, when any of these holds:
  - no full pass has passed in this warehouse yet (a new home, or ``disclose rebuild``: it runs one itself);
  - ``full_validation_every_days`` (default 7; 0 = every night) have gone by since the last full pass;
  - since the last full pass, a suite (``expectations/``, ``sql/checks/``), the transform SQL (``sql/staging``,
    ``sql/core``, ``sql/marts``), the reference data loaded, or the code (the ``flows`` package, DuckDB, GX)
    changed: the digest of each is kept with the pass.

The state lives in the ``checks`` schema (``validation_passes``, ``validated_files``), derived state like the
per-file counts: a snapshot carries it to the next build, ``disclose rebuild`` does not. Only a pass with no
critical failure is recorded, so a failure is found again the next night however the run ends.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

import duckdb

from flows.config import PROJECT_ROOT, Settings
from flows.db.catalog import table_exists

SCHEMA_DDL = (
    "create schema if not exists checks",
    "create table if not exists checks.validation_passes (run_id varchar not null, kind varchar not null, "
    "reason varchar not null, files integer not null, records bigint not null, digest varchar not null, "
    "passed_at timestamp not null)",
    "create table if not exists checks.validated_files (file_id bigint not null)",
)
#: what a full pass's verdicts depend on besides the data, in the order a reason is given
PARTS = ("suite", "reference", "transform", "code")


@dataclass(frozen=True)
class Scope:
    """What tonight's validation covers, and why."""

    kind: str  # full | incremental
    reason: str  # why full ("weekly", "suite changed", ...); "" when incremental
    files: tuple[int, ...] = ()  # files not yet validated (a full pass covers these and every other)
    records: int = 0  # records of core changed by those files (a full pass: every record)
    digest: dict[str, str] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.kind == "full"

    def line(self) -> str:
        if self.full:
            return f"validation: full ({self.reason}) over {self.records:,} records"
        return f"validation: incremental over {self.records:,} records ({len(self.files)} new file(s))"


def digest(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, str]:
    """A sha256 per part of what the verdicts depend on besides the data."""
    checks = sorted(settings.expectations_dir.glob("*.json")) + sorted(
        (settings.sql_dir / "checks").glob("*.sql")
    )
    transform = [
        p for layer in ("staging", "core", "marts") for p in sorted((settings.sql_dir / layer).glob("*.sql"))
    ]
    reference = (
        repr(con.execute("select * from ref.version order by all").fetchall())
        if table_exists(con, "ref", "version")
        else ""
    )
    code = sorted((PROJECT_ROOT / "flows").rglob("*.py"))
    versions = f"duckdb {duckdb.__version__}; great_expectations {_version('great_expectations')}"
    return {
        "suite": _files_sha(checks),
        "reference": hashlib.sha256(reference.encode()).hexdigest(),
        "transform": _files_sha(transform),
        "code": _files_sha(code, versions),
    }


def decide(
    con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime | None = None, full: str | None = None
) -> Scope:
    """Tonight's scope (``full``: a reason to validate everything whatever the state, e.g. "rebuild")."""
    for statement in SCHEMA_DDL:
        con.execute(statement)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    current = digest(con, settings)
    files = _unvalidated_files(con)
    reason = full or _full_reason(con, settings, now, current)
    if reason:
        return Scope("full", reason, files, _all_records(con), current)
    records = 0
    if table_exists(con, "core", "build_changes"):
        (records,) = con.execute(
            "select count(*) from (select distinct subject, record_ref from core.build_changes "
            "where list_contains(?::bigint[], file_id))",
            [list(files)],
        ).fetchall()[0]
    return Scope("incremental", "", files, int(records), current)


def record_pass(
    con: duckdb.DuckDBPyConnection, scope: Scope, run_id: str, now: datetime | None = None
) -> None:
    """The scope validated with no critical failure: its files are done, and their changes need no keeping."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        con.execute(
            "insert into checks.validated_files select file_id from raw.extract_files "
            "where list_contains(?::bigint[], file_id)",
            [list(scope.files)],
        )
        if table_exists(con, "core", "build_changes"):
            con.execute(
                "delete from core.build_changes where file_id in (select file_id from checks.validated_files)"
            )
        con.execute(
            "insert into checks.validation_passes values (?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                scope.kind,
                scope.reason,
                len(scope.files),
                scope.records,
                json.dumps(scope.digest),
                now,
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _full_reason(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime, current: dict) -> str:
    last = con.execute(
        "select digest, passed_at from checks.validation_passes where kind = 'full' "
        "order by passed_at desc limit 1"
    ).fetchall()
    if not last:
        return "first pass"
    kept, passed_at = json.loads(last[0][0]), last[0][1]
    for part in PARTS:
        if kept.get(part) != current[part]:
            return f"{part} changed"
    every = settings.full_validation_every_days
    if every == 0:
        return "every night"
    if now - passed_at >= timedelta(days=every):
        return "weekly" if every == 7 else f"every {every} days"
    return ""


def _unvalidated_files(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    if not table_exists(con, "raw", "extract_files"):
        return ()
    rows = con.execute(
        "select file_id from raw.extract_files anti join checks.validated_files using (file_id) order by file_id"
    ).fetchall()
    return tuple(r[0] for r in rows)


def _all_records(con: duckdb.DuckDBPyConnection) -> int:
    total = 0
    for table in ("custody_records", "crimes"):
        if table_exists(con, "core", table):
            total += int(con.execute(f"select count(*) from core.{table}").fetchall()[0][0])  # noqa: S608
    return total


def _files_sha(paths: list[Path], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for path in paths:
        h.update(f"\0{path.relative_to(path.parents[1])}\0".encode() + path.read_bytes())
    return h.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"
