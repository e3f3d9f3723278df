"""Seeded tables for the benchmark beside the peers (pytauargus, acro), and one engine run on each.

Sizes are the ones the benchmark compares: small 8x5x4, medium 40x10x10 and large 150x12x22, each with every
margin (one-way totals and the grand total). Counts are Poisson with log-normally spread means, so a realistic
share of cells is small (1 to k-1) and some are zero. ``make bench`` (the lead's) calls :func:`run_benchmark`.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import polars as pl

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, with_empty_flags

SIZES = {"small": (8, 5, 4), "medium": (40, 10, 10), "large": (150, 12, 22)}
DIMENSIONS = (
    ("offence", "Offence", "All offences"),
    ("period", "Period", "All periods"),
    ("outcome", "Outcome", "All outcomes"),
)


def seeded_table(
    size: str | tuple[int, ...], seed: int = 2024, mean_log: float = 1.6, spread: float = 1.1
) -> TidyTable:
    """A count table with all margins; the same seed gives the same table on every machine."""
    shape = SIZES[size] if isinstance(size, str) else tuple(size)
    rng = np.random.default_rng(seed)
    inner = rng.poisson(rng.lognormal(mean_log, spread, size=shape)).astype(np.int64)
    dims = DIMENSIONS[: len(shape)]
    labels = [
        [f"{title} {i + 1:03d}" for i in range(n)] + [total]
        for (_, title, total), n in zip(dims, shape, strict=True)
    ]
    rows = []
    for idx in itertools.product(*(range(n + 1) for n in shape)):
        sl = tuple(slice(None) if i == n else i for i, n in zip(idx, shape, strict=True))
        rows.append((*(labels[d][i] for d, i in enumerate(idx)), int(inner[sl].sum())))
    frame = pl.DataFrame(rows, schema=[d[0] for d in dims] + ["arrests"], orient="row")
    table = TidyTable(
        name=f"seeded_{'x'.join(map(str, shape))}",
        title=f"Seeded benchmark table {'x'.join(map(str, shape))} with margins",
        dimensions=tuple(Dimension(name, title, total=total) for name, title, total in dims),
        measures=(Measure("arrests", "Number of arrests", Role.COUNT),),
        frame=frame,
    )
    return with_empty_flags(table)


def run_benchmark(size: str, seed: int = 2024, policy: object | None = None) -> dict[str, object]:
    """Protect one seeded table; report what the peers report. The policy defaults to plain cell suppression
    (threshold rule only, no group rule, no fallbacks) so the comparison with the peers is like for like."""
    from flows.sdc.policy import SdcPolicy
    from flows.sdc.protect import protect

    policy = policy or SdcPolicy(group_rule="off", strategy="suppress")
    table = seeded_table(size, seed)
    started = time.perf_counter()
    result = protect([table], policy)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    flagged = result.tables[0].frame
    hidden = flagged.filter(pl.col("arrests_flag").str.contains("[c]", literal=True))
    k = policy.k  # type: ignore[attr-defined]
    return {
        "size": size,
        "cells": flagged.height,
        "sensitive": int(table.frame["arrests"].is_between(1, k - 1).sum()),
        "cells_suppressed": hidden.height,
        "suppressed_total": int(hidden["arrests"].sum()),
        "seconds": round(seconds, 3),
        "method": result.method,
        "audit": "passed" if result.audit.passed else "refused",
        "audit_method": result.audit.method,
        "cost": result.optimality.cost if result.optimality else None,
        "bound": result.optimality.bound if result.optimality else None,
        "gap": result.optimality.gap if result.optimality else None,
    }
