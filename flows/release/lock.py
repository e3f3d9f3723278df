"""One lock per data home for every step that writes a release (draft, approve, publish, withdraw, recovery).

It serialises the disclosure-control check at publish with the write into the publication record: two
publishes at once cannot each pass the check and together expose a cell. ``flock`` is released by the kernel
when its holder dies (even by SIGKILL), so a crash never leaves the home locked; the file's text names the
current holder (pid, host, command, since when) for whoever is waiting.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flows.config import Settings
from flows.errors import ReleaseError
from flows.flock_wait import wait_exclusive

LOCK_NAME = "release.lock"


def lock_path(settings: Settings) -> Path:
    return settings.home / "record" / LOCK_NAME


@contextmanager
def release_lock(settings: Settings, command: str) -> Iterator[None]:
    """Hold the home's release lock for the block; wait up to ``release.lock_timeout_seconds`` for it."""
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, settings.release.lock_timeout_seconds)
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, timeout: float) -> None:
    wait_exclusive(
        fd,
        timeout,
        lambda: f"waiting for the release lock, held by {_describe(path)}",
        lambda: ReleaseError(
            f"{path}: the release lock is held by {_describe(path)}; waited {timeout:.0f} s. "
            "Try again when it has finished (a crashed holder releases it by itself)."
        ),
    )


def _describe(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "another process (starting up)"
    return f"pid {info.get('pid')} on {info.get('host')} running '{info.get('command')}' since {info.get('since')}"
