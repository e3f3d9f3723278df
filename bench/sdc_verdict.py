"""Our independent audit (flows.sdc_audit) of what a tool published: zeros are published, so every
withheld cell is known to be at least 1, whatever the tool assumed. A shown count from 1 to k-1 is
exposed too (primary disclosure), which the interval audit does not look at."""

from __future__ import annotations

import time

from bench.sdc_cells import HIDDEN


def audit_answer(answer: dict, k: int) -> dict:
    from flows.sdc_audit import AuditTable, audit_tables

    dims = tuple(answer["dimensions"])
    rows = tuple((tuple(r[:-1]), (r[-1],)) for r in answer["rows"])
    table = AuditTable(f"{answer['tool']} release", dims, ("count",), rows, totals=answer["totals"])
    started = time.perf_counter()
    result = audit_tables([table], k=k, zeros_published=True)
    shown_small = sum(1 for r in answer["rows"] if r[-1] != HIDDEN and 1 <= r[-1] < k)
    exposed = len(result.problems) + shown_small
    return {
        "verdict": "passed" if exposed == 0 else f"{exposed} exposed",
        "exposed": exposed,
        "shown_below_k": shown_small,
        "audit_method": result.method,
        "audit_seconds": round(time.perf_counter() - started, 3),
        "first_problem": str(result.problems[0]) if result.problems else None,
    }
