"""The immutable archive of raw extracts: ``raw/<source>/<sha256>.<ext>``, read-only once written.

The archive, not the landing folder, is what a rebuild replays; a file lands once and is kept byte-for-byte
(copied in by flows/ingest/claims.py, never linked). Next to the files, ``raw/deliveries.jsonl`` is an
append-only log of every delivery (file id, original name, received and extracted times, status), so the
archive alone says which file was which and when it came: the warehouse's ledger can be recreated from it.
Each delivery's line is committed in the warehouse (``raw.delivery_log``) with its ledger entry first, so a
line lost to a crash is appended again by the next run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

LOG_NAME = "deliveries.jsonl"


def archive_path(raw_dir: Path, source: str, sha256: str, suffix: str) -> Path:
    return raw_dir / source / f"{sha256}{suffix.lower()}"


def relative_to_raw(raw_dir: Path, stored: Path) -> str:
    try:
        return str(stored.relative_to(raw_dir))
    except ValueError:
        return str(stored)


def log_line(entry: dict) -> str:
    """The log's text for one event: what the warehouse commits and the log file then holds, byte for byte."""
    return json.dumps(entry, default=str, sort_keys=True)


def append_log(raw_dir: Path, entry: dict) -> None:
    """One JSON line per event (delivery or purge), flushed to disk before returning."""
    append_line(raw_dir, log_line(entry))


def append_line(raw_dir: Path, line: str) -> None:
    raw_dir.mkdir(parents=True, exist_ok=True)
    with (raw_dir / LOG_NAME).open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_log(raw_dir: Path) -> Iterator[dict]:
    for _, entry in _entries(raw_dir):
        yield entry


def read_log_lines(raw_dir: Path) -> Iterator[tuple[int | None, str]]:
    """(delivery id, or None for other events, the line as written) for every line of the log."""
    for line, entry in _entries(raw_dir):
        yield (int(entry["delivery_id"]) if entry.get("event") == "delivery" else None), line


def _entries(raw_dir: Path) -> Iterator[tuple[str, dict]]:
    path = raw_dir / LOG_NAME
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield line.rstrip("\n"), json.loads(line)
                except json.JSONDecodeError:
                    raise ValueError(f"{path}: line {number} is not valid JSON") from None
