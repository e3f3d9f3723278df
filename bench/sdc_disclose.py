"""Child process: our engine (flows.sdc.protect) on one seeded table, with the policy of
flows.sdc.bench.run_benchmark (threshold rule only, no group rule, suppression only) and the chosen cost.

Usage: python -m bench.sdc_disclose CELLS.json OUT.json
"""

from __future__ import annotations

import sys
import time

from bench import sdc_cells


def main(cells_path: str, out_path: str) -> None:
    import polars as pl

    from flows.sdc import SdcPolicy, protect
    from flows.sdc.bench import seeded_table

    cells = sdc_cells.read(cells_path)
    policy = SdcPolicy(k=cells["k"], group_rule="off", strategy="suppress", cost=cells["cost"])
    table = seeded_table(cells["size"], cells["seed"])
    started = time.perf_counter()
    result = protect([table], policy)
    seconds = time.perf_counter() - started
    dims, measure = list(table.dimension_names), table.measures[0]
    frame = result.tables[0].frame.with_columns(
        shown=pl.when(pl.col(measure.flag).str.contains(sdc_cells.HIDDEN, literal=True))
        .then(pl.lit(sdc_cells.HIDDEN)).otherwise(pl.col(measure.name).cast(pl.String)))
    rows = [[*labels, shown if shown == sdc_cells.HIDDEN else int(shown)]
            for *labels, shown in frame.select(*dims, "shown").iter_rows()]
    hidden = frame.filter(pl.col("shown") == sdc_cells.HIDDEN)[measure.name].sum()
    found = result.optimality
    optimality = {"cost": found.cost, "bound": found.bound, "gap": found.gap, "proof": found.proof} if found else None
    sdc_cells.answer(out_path, "disclose", result.method, seconds, rows, dims, cells["totals"], int(hidden),
                     optimality)


if __name__ == "__main__":
    main(*sys.argv[1:3])
