"""Who may write the warehouse: one writer at a time, named.

Every writer (nightly, rebuild, purge) takes ``writer.lock`` next to the warehouse exclusively and writes its
name into it (pid, host, command, since when); a second writer waits for it with one message (up to
``writer_lock_timeout_seconds``), then fails with one line. Readers take no lock: they read the published
snapshot, which no writer opens (flows/db/snapshots.py); `disclose status` names the writer at work.

``flock`` is released by the kernel when its holder dies (even by SIGKILL), so a crash never leaves the
warehouse locked. The lock is per process and re-entrant: a stage that opens the warehouse inside a nightly
run that already holds the writer lock goes straight in. Same pattern as flows/release/lock.py.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flows.config import Settings
from flows.errors import DiscloseError
from flows.flock_wait import wait_exclusive

LOCK_NAME = "writer.lock"


class WarehouseBusy(DiscloseError):
    """The warehouse is held by a writer (or, for a writer, still by another writer or readers)."""


@dataclass
class _Held:
    fd: int
    depth: int = 1


_held: dict[Path, _Held] = {}
_guard = threading.RLock()


def lock_path(settings: Settings) -> Path:
    return settings.warehouse_path.parent / LOCK_NAME


def current_command() -> str:
    """What this process is, in words, for whoever finds the lock held: ``disclose nightly --plain``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if name in ("cli.py", "__main__.py", "-c", "-m"):
        name = "disclose"
    return " ".join([name, *sys.argv[1:3]])[:120]


@contextmanager
def writing(settings: Settings, command: str | None = None) -> Iterator[None]:
    """Hold the warehouse for writing for the block, waiting (with one message) for another writer."""
    with _lock(settings, command or current_command()):
        yield


def holder(settings: Settings) -> str | None:
    """Who holds the warehouse for writing right now, in words, or None (for `disclose status`)."""
    path = lock_path(settings)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return describe(path)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextmanager
def _lock(settings: Settings, command: str) -> Iterator[None]:
    path = Path(os.path.abspath(lock_path(settings)))
    with _guard:
        held = _held.get(path)
        if held is not None:
            held.depth += 1
    if held is not None:  # this process already holds it
        try:
            yield
        finally:
            _release(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        timeout = settings.writer_lock_timeout_seconds
        wait_exclusive(
            fd,
            timeout,
            lambda: f"waiting for the warehouse, held by {describe(path)}",
            lambda: WarehouseBusy(
                f"the warehouse is held by {describe(path)}; waited {timeout:.0f} s: try again when that "
                "has finished"
            ),
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(_me(command)) + "\n").encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    with _guard:
        _held[path] = _Held(fd)
    try:
        yield
    finally:
        _release(path)


def _release(path: Path) -> None:
    with _guard:
        held = _held[path]
        held.depth -= 1
        if held.depth:
            return
        del _held[path]
    os.ftruncate(held.fd, 0)
    fcntl.flock(held.fd, fcntl.LOCK_UN)
    os.close(held.fd)


def _me(command: str | None) -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def describe(path: Path, unnamed: str = "a writer that is starting") -> str:
    """The holder named in the lock file, or ``unnamed`` (a writer names itself just after it takes the
    lock)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return unnamed
    return f"pid {info.get('pid')} on {info.get('host')} running '{info.get('command')}' since {info.get('since')}"
