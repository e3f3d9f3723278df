"""Child process: our engine (flows.sdc.protect) on one seeded table, with the policy of
flows.sdc.bench.run_benchmark (threshold rule only, no group rule, suppression only) and the chosen cost.
The engine audits what it publishes before returning it; that audit's time is reported apart from the
protection's (``engine_audit_seconds``).

Usage: python -m bench.sdc_disclose CELLS.json OUT.json
"""

from __future__ import annotations

import sys
import time

from bench import sdc_cells


def main(cells_path: str, out_path: str) -> None:
    import polars as pl

    import flows.sdc.suppress as pipeline
    from flows.sdc.bench import seeded_table
    from flows.sdc.policy import SdcPolicy
    from flows.sdc.protect import protect

    audit_seconds = [0.0]
    audit = pipeline.audit_protected

    def timed_audit(*args, **kwargs):
        started = time.perf_counter()
        try:
            return audit(*args, **kwargs)
        finally:
            audit_seconds[0] += time.perf_counter() - started

    pipeline.audit_protected = timed_audit
    cells = sdc_cells.read(cells_path)
    policy = SdcPolicy(k=cells["k"], group_rule="off", strategy="suppress", cost=cells["cost"])
    table = seeded_table(cells["size"], cells["seed"])
    started = time.perf_counter()
    result = protect([table], policy)
    seconds = time.perf_counter() - started
    dims, measure = list(table.dimension_names), table.measures[0]
    frame = result.tables[0].frame.with_columns(
        shown=pl.when(pl.col(measure.flag).str.contains(sdc_cells.HIDDEN, literal=True))
        .then(pl.lit(sdc_cells.HIDDEN))
        .otherwise(pl.col(measure.name).cast(pl.String))
    )
    rows = [
        [*labels, shown if shown == sdc_cells.HIDDEN else int(shown)]
        for *labels, shown in frame.select(*dims, "shown").iter_rows()
    ]
    hidden = frame.filter(pl.col("shown") == sdc_cells.HIDDEN)[measure.name].sum()
    found = result.optimality
    sdc_cells.answer(
        out_path,
        "disclose",
        result.method,
        seconds - audit_seconds[0],
        rows,
        dims,
        cells["totals"],
        int(hidden),
        engine_audit_seconds=audit_seconds[0],
        optimality={"cost": found.cost, "bound": found.bound, "gap": found.gap, "proof": found.proof},
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
