"""A seeded benchmark table as plain cells in JSON, so each tool's child process needs only its own package
(acro runs in an environment of its own and cannot import flows). Tools answer in the same shape: labels
and the shown value per cell, "[c]" where they withhold it."""

from __future__ import annotations

import json
from pathlib import Path

HIDDEN = "[c]"


def write_cells(size: str, seed: int, k: int, cost: str, path: Path) -> dict:
    from flows.sdc.bench import seeded_table

    table = seeded_table(size, seed)
    measure = table.measures[0].name
    cells = {
        "size": size,
        "seed": seed,
        "k": k,
        "cost": cost,
        "dimensions": list(table.dimension_names),
        "totals": {d.name: d.total for d in table.dimensions},
        "rows": [
            [*row[:-1], int(row[-1])]
            for row in table.frame.select(*table.dimension_names, measure).iter_rows()
        ],
    }
    path.write_text(json.dumps(cells))
    return cells


def read(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())


def inner(cells: dict) -> list[list]:
    """The cells below every margin: what a tool given microdata or a cross-tabulation starts from."""
    totals = set(cells["totals"].values())
    return [row for row in cells["rows"] if not totals.intersection(row[:-1])]


def answer(
    path: str | Path,
    tool: str,
    method: str,
    solve_seconds: float,
    rows: list[list],
    dimensions: list[str],
    totals: dict[str, str],
    suppressed_total: int,
    **extra: object,
) -> None:
    """What a tool publishes: labels and shown values ("[c]" withheld), its own solve time, the sum of the
    true values it withheld (the cost both engines minimise) and anything else it reports (``extra``: our
    engine's cost against its proven bound, the time its own audit took)."""
    Path(path).write_text(
        json.dumps(
            {
                "tool": tool,
                "method": method,
                "solve_seconds": solve_seconds,
                "dimensions": dimensions,
                "totals": totals,
                "rows": rows,
                "cells_suppressed": sum(r[-1] == HIDDEN for r in rows),
                "suppressed_total": suppressed_total,
                **extra,
            }
        )
    )


def unavailable(path: str | Path, reason: str) -> None:
    Path(path).write_text(json.dumps({"unavailable": reason}))
