"""The immutable archive of raw extracts: ``raw/<source>/<sha256>.<ext>``, read-only once written.

The archive, not the landing folder, is what a rebuild replays; a file lands once and is kept byte-for-byte.
Next to the files, ``raw/deliveries.jsonl`` is an append-only log of every delivery (file id, original name,
received and extracted times, status), so the archive alone says which file was which and when it came:
the warehouse's ledger can be recreated from it. Archiving a landed file is a hard link where the landing
folder and the archive share a file system (no second copy of the bytes), else a copy.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

LOG_NAME = "deliveries.jsonl"


def archive_path(raw_dir: Path, source: str, sha256: str, suffix: str) -> Path:
    return raw_dir / source / f"{sha256}{suffix.lower()}"


def archive(path: Path, raw_dir: Path, source: str, sha256: str, *, link: bool = False) -> Path:
    """Store ``path`` under its hash (idempotent); ``link`` hard-links instead of copying when it can."""
    target = archive_path(raw_dir, source, sha256, path.suffix)
    if target.exists() or path.resolve() == target.resolve():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    if link:
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copyfile(path, tmp)
    else:
        shutil.copyfile(path, tmp)
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    return target


def relative_to_raw(raw_dir: Path, stored: Path) -> str:
    try:
        return str(stored.relative_to(raw_dir))
    except ValueError:
        return str(stored)


def append_log(raw_dir: Path, entry: dict) -> None:
    """One JSON line per event (delivery or purge), flushed to disk before returning."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, default=str, sort_keys=True)
    with (raw_dir / LOG_NAME).open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_log(raw_dir: Path) -> Iterator[dict]:
    path = raw_dir / LOG_NAME
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    raise ValueError(f"{path}: line {number} is not valid JSON") from None
