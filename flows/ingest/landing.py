"""What in the landing folder ingest takes, leaves for later, ignores or refuses, before reading a byte.

The convention a sender follows (README "Landing a file"): write the file under a temporary name (ending
``.part``, ``.tmp`` or ``.partial``, or starting with ``.``) and rename it when it is complete; or write it
and then a ``<name>.done`` marker. A file with neither is taken only once it has been unchanged (its
modification time) for ``landing_settle_seconds`` (default 60), so a writer that is still going, or has
paused, is not read half way; claims.py also checks that the file did not change while it was copied.

Refused, and left where they are with a reason: a symbolic link (it would read, and once chmod-ed, a file
outside the data home) and anything that is not a regular file (a named pipe would block the run). Folders
are not searched; office lock files (``~$...``) and sidecars (``.json``, ``.md``, ``.txt``) are ignored.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

IGNORED_SUFFIXES = {".json", ".md", ".txt", ".partial", ".part", ".tmp", ".done"}
IGNORED_PREFIXES = (".", "~$")
DONE = ".done"
_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


@dataclass(frozen=True)
class Deferred:
    """A landing entry not taken this run: ``waiting`` (not complete yet) or ``refused`` (never taken)."""

    name: str
    status: str  # waiting | refused
    reason: str


def ignored(name: str) -> bool:
    return name.startswith(IGNORED_PREFIXES) or Path(name).suffix.lower() in IGNORED_SUFFIXES


def sort_landing(
    landing: Path, settle_seconds: float = 0, now: float | None = None
) -> tuple[list[Path], list[Deferred]]:
    """The files to take now (by name) and the entries left in landing with why; ignored names are neither."""
    if not landing.is_dir():
        return [], []
    now = time.time() if now is None else now
    take, deferred = [], []
    for path in sorted(landing.iterdir()):
        if ignored(path.name):
            continue
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode):
            continue  # folders are not searched
        if stat.S_ISLNK(st.st_mode):
            deferred.append(Deferred(path.name, "refused", "is a symbolic link: copy the file into landing"))
        elif not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            deferred.append(Deferred(path.name, "refused", f"is {kind}, not a regular file"))
        elif now - st.st_mtime < settle_seconds and not done_marker(path).is_file():
            deferred.append(
                Deferred(
                    path.name,
                    "waiting",
                    f"changed {max(0, now - st.st_mtime):.0f} s ago: taken once unchanged for "
                    f"{settle_seconds:.0f} s (or at once with a {path.name}{DONE} marker)",
                )
            )
        else:
            take.append(path)
    return take, deferred


def done_marker(path: Path) -> Path:
    return path.with_name(path.name + DONE)
