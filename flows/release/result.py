"""What one lifecycle step did, for the CLI and the flows' run summaries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReleaseResult:
    status: str  # drafted, unchanged, approved, published, withdrawn
    release_id: str  # "<reference>/v<N>"
    path: Path  # the draft, published or withdrawn folder
    files: tuple[str, ...] = ()  # paths under ``path``
    message: str = ""
