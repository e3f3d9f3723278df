"""Taking a landed file into the archive so that a crash at any moment loses nothing and records nothing twice.

A landed file is *claimed* first: copied (never hard-linked, never through a symlink) into
``raw/.incoming/<received>--<n>--<name>`` while it is hashed, synced to disk, and only then removed from
landing. Ingest reads the claim, never the landed file, so a writer still appending to the landed file cannot
change what was loaded or archived. The file's warehouse transaction records its ledger entry together with
its line for ``raw/deliveries.jsonl`` (table ``raw.delivery_log``); after the commit the claim is renamed to
its archive name ``raw/<source>/<sha256>.<ext>`` (read-only) and the line is appended to the log.

A crash leaves at most claims in ``raw/.incoming`` and log lines the warehouse has but the log lacks, and
:func:`recover` puts both right when the next writer starts: a claim the warehouse has committed (its
delivery is in the ledger under the same name, received time and hash) is moved into the archive; one it has
not is loaded by this run, as a delivery received now; a ``.partial`` copy is deleted (its landed file is
still in landing). Then every committed line missing from the log is appended, in delivery order. So a
re-run never sees a committed file again as a new delivery (no false ``duplicate``), and the log, the ledger
and the archive agree (``disclose rebuild --check-only`` compares ``raw.delivery_log`` too).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from flows.durable import sync_dir
from flows.ingest.archive import LOG_NAME, append_line, read_log_lines
from flows.ingest.encoding import Sniffed, sniff
from flows.ingest.landing import done_marker

INCOMING = ".incoming"
_STAMP = "%Y%m%dT%H%M%S"


@dataclass(frozen=True)
class Claim:
    path: Path  # raw/.incoming/<received>--<n>--<name>
    name: str  # as delivered
    sniffed: Sniffed


class NotComplete(Exception):
    """The landed file changed while it was copied: still being written, so left in landing for next time."""


def incoming_dir(raw_dir: Path) -> Path:
    return raw_dir / INCOMING


def take(path: Path, raw_dir: Path, received_at: datetime, number: int, *, remove: bool = True) -> Claim:
    """Copy a landed regular file into ``raw/.incoming`` (hashing and sniffing it on the way), then remove it
    from landing. Never follows a symlink; raises :class:`NotComplete` if the file changed meanwhile."""
    target = incoming_dir(raw_dir) / f"{received_at:{_STAMP}}--{number}--{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:  # replaced by a link (ELOOP) or removed since landing.py looked
        raise NotComplete(f"{path.name} could not be opened as a regular file: {exc.strerror}") from None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotComplete(f"{path.name} is not a regular file")
        with os.fdopen(os.dup(fd), "rb") as src, partial.open("wb") as out:
            sniffed = sniff(src, copy_to=out)
            out.flush()
            os.fsync(out.fileno())
    finally:
        os.close(fd)
    after = os.stat(path, follow_symlinks=False)
    if _identity(after) != _identity(before) or after.st_size != sniffed.bytes:
        partial.unlink()
        raise NotComplete(f"{path.name} changed while it was being copied: still being written")
    os.replace(partial, target)
    sync_dir(target.parent)
    if remove:
        path.unlink()
        done_marker(path).unlink(missing_ok=True)
    return Claim(target, path.name, sniffed)


def _identity(st: os.stat_result) -> tuple:
    return st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns


def place(claim: Path, target: Path) -> None:
    """Put a committed claim at its archive name, read-only (or drop it if the archive already has it)."""
    if claim == target or not claim.exists():
        return
    if target.exists():
        claim.unlink()
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(claim, 0o444)
    os.replace(claim, target)
    sync_dir(target.parent)


def recover(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, landing: Path, received_at: datetime
) -> list[Claim]:
    """Finish what a crashed ingest left (see the module docstring). The claims still to load, oldest first,
    renamed as received at ``received_at`` (numbered from 1), so that this run's own recovery knows them."""
    backfill_log_table(con, raw_dir)
    pending: list[Claim] = []
    for claim in settle(con, raw_dir):
        name = _parse(claim)[1]
        twin = landing / name  # killed between the claim and removing the landed file
        if twin.is_file() and not twin.is_symlink() and _sha256(twin) == _sha256(claim):
            twin.unlink()
        renamed = claim.with_name(f"{received_at:{_STAMP}}--{len(pending) + 1}--{name}")
        os.replace(claim, renamed)
        pending.append(Claim(renamed, name, sniff(renamed)))
    if pending:
        sync_dir(incoming_dir(raw_dir))
    return pending


def settle(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> list[Path]:
    """Move claims the warehouse committed into the archive, delete unfinished copies, and append the log
    lines the warehouse committed but the log lacks; the claims not committed. Writes no table (a rebuild
    settles before it reads the archive)."""
    uncommitted = []
    folder = incoming_dir(raw_dir)
    found = list(folder.iterdir()) if folder.is_dir() else []
    for partial in [p for p in found if p.name.endswith(".partial")]:
        partial.unlink()
    for claim in sorted((p for p in found if not p.name.endswith(".partial")), key=_order):
        received, name = _parse(claim)
        rows = con.execute(
            "select d.status, f.archive_path from raw.deliveries as d join raw.extract_files as f "
            "on d.file_id = f.file_id where d.sha256 = ? and d.original_name = ? and d.received_at = ?",
            [_sha256(claim), name, received],
        ).fetchall()  # claims are few, and only after a crash
        if not rows:
            uncommitted.append(claim)
        elif rows[0][0] == "duplicate":
            claim.unlink()
        else:
            place(claim, raw_dir / rows[0][1])
    if _has_log_table(con):
        append_missing_lines(con, raw_dir)
    return uncommitted


def _has_log_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'delivery_log'"
        ).fetchall()[0][0]
    )


def _parse(claim: Path) -> tuple[datetime, str]:
    stamp, _, rest = claim.name.partition("--")
    return datetime.strptime(stamp, _STAMP), rest.partition("--")[2]


def _order(claim: Path) -> tuple[str, int]:
    """Claims in the order they were taken (the file ids they will get follow it)."""
    stamp, _, rest = claim.name.partition("--")
    return stamp, int(rest.partition("--")[0])


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def append_missing_lines(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """Append every committed delivery line the log file lacks, in delivery order; how many."""
    logged = {delivery_id for delivery_id, _ in read_log_lines(raw_dir) if delivery_id is not None}
    missing = [
        line
        for delivery_id, line in con.execute(
            "select delivery_id, line from raw.delivery_log order by delivery_id"
        ).fetchall()
        if delivery_id not in logged
    ]
    for line in missing:
        append_line(raw_dir, line)
    return len(missing)


def backfill_log_table(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """A warehouse from before ``raw.delivery_log``: take its lines from the log file (which it agreed with)."""
    has_lines = con.execute("select count(*) from raw.delivery_log").fetchall()[0][0]
    if has_lines or not (raw_dir / LOG_NAME).exists():
        return
    known = {r[0] for r in con.execute("select delivery_id from raw.deliveries").fetchall()}
    rows = [(d, line) for d, line in read_log_lines(raw_dir) if d in known]
    if rows:
        con.executemany("insert into raw.delivery_log values (?, ?)", rows)
