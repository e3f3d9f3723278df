"""Fault points, for testing crash safety without timing luck.

Every boundary of draft, approve, publish and withdraw calls :func:`fault_point` with its name, e.g.
``publish:after_files``; so does every step of ingest (a landed file claimed, its transaction committed, the
claim archived, its log line written) and of the transform (after each layer, before its build is marked
done), and of a warehouse snapshot's catching up and publication, through :func:`fault_at`. When the setting ``fault`` (environment ``DISCLOSE_FAULT``) names that point the
process kills itself with SIGKILL there, as a power cut would: no ``finally`` runs, nothing is flushed.
``<point>@wait:<path>`` instead creates ``<path>.reached`` and waits (up to a minute) until ``<path>``
exists, so a test can hold a process at a point while it starts another.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from flows.config import Settings

POINTS = (
    "draft:after_build", "draft:after_rename",
    "approve:before_write", "approve:after_write",
    "publish:after_check", "publish:after_intent", "publish:after_files", "publish:after_record", "publish:after_log",
    "withdraw:after_intent", "withdraw:after_files", "withdraw:after_record", "withdraw:after_log",
)  # fmt: skip
INGEST_POINTS = (
    "ingest:after_claim", "ingest:before_commit", "ingest:after_commit", "ingest:after_archive", "ingest:after_log",
    "transform:after_core", "transform:after_marts",
    "snapshot:after_catch_up", "snapshot:after_mark", "snapshot:after_link",
)  # fmt: skip


def fault_point(settings: Settings, name: str) -> None:
    fault_at(settings.fault, name)


def fault_at(fault: str | None, name: str) -> None:
    """:func:`fault_point` for code that is handed the setting rather than the whole Settings (ingest)."""
    if name not in POINTS and name not in INGEST_POINTS:
        raise ValueError(f"unknown fault point {name!r}")
    if not fault:
        return
    point, _, action = fault.partition("@")
    if point != name:
        return
    if action.startswith("wait:"):
        gate = Path(action.removeprefix("wait:"))
        Path(f"{gate}.reached").touch()
        deadline = time.monotonic() + 60
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return
    os.kill(os.getpid(), signal.SIGKILL)
