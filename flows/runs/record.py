"""The home's own record of nightly and request runs: ``<home>/runs/runs.jsonl``, append-only, one JSON line a
run, written when the run ends (completed or failed) so ``disclose status`` can say what ran without a Prefect
server.

Crash-safe by design: a line is written by one ``write`` under an exclusive ``flock``, then fsynced. A crash
mid-write can leave only a torn last line with no newline; the next append closes it with a newline first and
readers skip any line that is not whole JSON, so a record is read whole or not at all and never glues onto the
next one.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from flows.runs.counts import RunCounts


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    kind: str  # nightly | request
    status: str  # completed | failed
    started_at: str  # ISO, UTC
    finished_at: str
    seconds: float
    reason: str | None = None  # why it failed, one line (flows/runs/reason.py)
    counts: RunCounts = field(default_factory=RunCounts)
    stages: list[str] = field(default_factory=list)  # each stage's one line, in order
    releases: list[dict[str, Any]] = field(default_factory=list)
    notified: str | None = None  # the webhook's outcome, when one is configured
    validation: str | None = (
        None  # which kind ran: "validation: incremental over N records", "... full (weekly)"
    )

    def line(self) -> str:
        c = self.counts
        head = f"{self.kind} run {self.run_id} {self.status} in {self.seconds:.1f} s"
        if self.reason:
            head += f": {self.reason}"
        return (
            f"{head} ({c.files} file(s) loaded, {c.files_rejected} rejected, {c.rows_staged:,} rows staged, "
            f"{c.rows_quarantined:,} quarantined, {c.checks_failed} check(s) failed, {c.cells_withheld} cell(s) "
            f"withheld in {len({r['release_id'] for r in self.releases})} release(s))"
            + (f"; {self.validation}" if self.validation else "")
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        return cls(**{**data, "counts": RunCounts(**data.get("counts", {}))})


def append_record(path: Path, record: RunRecord) -> None:
    """Append one line, whole or not at all (see the module docstring)."""
    data = (json.dumps(asdict(record), sort_keys=True, default=str) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            os.write(fd, b"\n")  # close a line torn by a crash, so it cannot swallow this one
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_records(path: Path) -> tuple[list[RunRecord], int]:
    """Every whole record, oldest first, and how many lines were not (torn by a crash, or edited by hand)."""
    if not path.is_file():
        return [], 0
    records, damaged = [], 0
    for line in path.read_bytes().split(b"\n"):
        if not line.strip():
            continue
        try:
            records.append(RunRecord.from_json(json.loads(line)))
        except (ValueError, TypeError):
            damaged += 1
    return records, damaged
