"""What a generator run wrote: the files, the true totals and every injected bad cell.

Tests of the ingest compare the warehouse with these numbers, so they are the truth about the extracts,
not about the generator's internals: totals count what was delivered by the last extract.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flows.generate.dirty import DirtyCell

SUMMARY_NAME = "generator-summary.json"


@dataclass(frozen=True)
class ExtractFile:
    path: str  # relative to the output folder
    source: str  # custody or crime
    kind: str  # full or partial
    rows: int  # data rows, header excluded
    encoding: str  # utf-8, utf-8-sig, cp1252 or parquet
    date_style: str  # iso (2019-03-04 13:05) or uk (04/03/2019 13:05)
    columns: tuple[str, ...]
    extracted_at: str  # ISO, Europe/London wall-clock time
    dirty: dict[str, int] = field(default_factory=dict)  # kind -> bad rows injected


@dataclass(frozen=True)
class GenerateSummary:
    seed: int
    scale: str
    today: str
    format: str
    files: tuple[ExtractFile, ...]
    custody_records: int  # distinct custody records delivered (deleted ones included)
    offence_rows: int  # their offence rows at the latest delivered state (none for a deleted record)
    crimes: int  # distinct crimes delivered
    people: int
    dirty_cells: tuple[DirtyCell, ...]
    deleted_records: int = 0  # custody records a delivered extract marks deleted (generate's deleted_share)

    @property
    def rows_written(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for f in self.files:
            totals[f.source] += f.rows
        return dict(totals)

    def dirty_in(self, path: str) -> list[DirtyCell]:
        return [c for c in self.dirty_cells if c.file == path]

    def to_json(self) -> str:
        """Indented, except one line per file and per dirty cell (a force run has tens of thousands)."""
        data = asdict(self)
        files, cells = data.pop("files"), data.pop("dirty_cells")
        if not data["deleted_records"]:
            del data["deleted_records"]  # a run without deletions writes the summary it always did
        data["rows_written"] = self.rows_written
        head = json.dumps(data, indent=1, ensure_ascii=False)[:-2]
        return f'{head},\n "files": [\n{_lines(files)}\n ],\n "dirty_cells": [\n{_lines(cells)}\n ]\n}}\n'

    def write(self, folder: Path) -> Path:
        path = folder / SUMMARY_NAME
        path.write_text(self.to_json(), encoding="utf-8")
        return path


def _lines(items: list[dict]) -> str:
    return ",\n".join("  " + json.dumps(i, ensure_ascii=False, separators=(", ", ": ")) for i in items)


def read_summary(folder: Path) -> GenerateSummary:
    data = json.loads((folder / SUMMARY_NAME).read_text(encoding="utf-8"))
    data.pop("rows_written", None)
    data["files"] = tuple(ExtractFile(**{**f, "columns": tuple(f["columns"])}) for f in data["files"])
    data["dirty_cells"] = tuple(DirtyCell(**c) for c in data["dirty_cells"])
    return GenerateSummary(**data)
