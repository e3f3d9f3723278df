"""Making a rename survive a power cut: the folder's entry is synced as well as the file (light to import: the
ingest and the warehouse's snapshots use it on every run)."""

from __future__ import annotations

import os
from pathlib import Path


def sync_dir(folder: Path) -> None:
    """Make a rename (or a new entry) in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
