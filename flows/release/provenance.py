"""What a release was made from: the code (git SHA, lock hash), and the warehouse snapshot with its extract set
and as-at time."""

from __future__ import annotations

import hashlib
import subprocess
from importlib.metadata import PackageNotFoundError, version

import duckdb

from flows.config import PROJECT_ROOT
from flows.contracts.manifest import CodeVersion, ExtractRef, WarehouseState


def code_version() -> CodeVersion:
    try:
        package = version("disclose")
    except PackageNotFoundError:
        package = "unknown"
    sha = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no")
    lock = PROJECT_ROOT / "uv.lock"
    lock_sha = hashlib.sha256(lock.read_bytes()).hexdigest() if lock.is_file() else None
    return CodeVersion(
        package_version=package,
        git_sha=sha,
        git_dirty=None if sha is None else bool(status),
        lock_sha256=lock_sha,
    )


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def warehouse_state(con: duckdb.DuckDBPyConnection) -> WarehouseState:
    """The loaded extracts (their sha256 names the input exactly) and the latest extracted_at among them."""
    rows = con.sql(
        "select file_id, sha256, source, extracted_at from raw.extract_files "
        "where status in ('loaded', 'partly quarantined') order by file_id"
    ).fetchall()
    extracts = [ExtractRef(file_id=r[0], sha256=r[1], source=r[2], extracted_at=r[3]) for r in rows]
    as_at = max((e.extracted_at for e in extracts if e.extracted_at), default=None)
    digest = hashlib.sha256("\n".join(sorted(e.sha256 for e in extracts)).encode()).hexdigest()
    from flows.db.snapshots import read_state

    state = read_state(con)
    return WarehouseState(
        as_at=as_at,
        extracts=extracts,
        extract_set_sha256=digest,
        snapshot=state.snapshot_id if state else None,
    )
