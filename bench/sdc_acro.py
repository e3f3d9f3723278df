"""Child process: acro (SACRO's output checker) on one seeded table: its threshold check with suppression,
the primary rule only. acro has no secondary suppression; it takes microdata and publishes a
cross-tabulation of offence x period (rows) by outcome (columns). Config: threshold k, zeros not disclosive.

acro "suppresses" by deleting the records of failing cells and tabulating again, so a withheld cell comes
out as 0 and the margins as sums of what was kept. To audit its choice of cells rather than those
misstated figures, the answer publishes acro's withheld cells as "[c]" (a cell acro shows differently from
the truth) with the true margins, as a release under our contract would, and counts what acro misstated.

It runs in its own environment when needed (acro pins pandas below the project's), so it imports nothing
from flows. Usage: python -m bench.sdc_acro CELLS.json OUT.json
"""

from __future__ import annotations

import logging
import math
import sys
import time
import warnings

from bench import sdc_cells

ALL = "All"


def protect(cells: dict) -> tuple[list[list], float, str, int]:
    import pandas as pd
    from acro import ACRO
    from acro.sdcchecks import SDCChecks

    rows, cols = cells["dimensions"][:-1], cells["dimensions"][-1]
    micro = pd.DataFrame(
        [labels for *labels, value in sdc_cells.inner(cells) for _ in range(value)],
        columns=cells["dimensions"],
    )
    logging.disable(logging.INFO)  # acro logs every check and its config at INFO
    warnings.simplefilter("ignore")  # and pandas warns about its chained assignments
    started = time.perf_counter()
    acro = ACRO(suppress=True)
    acro.config.update(safe_threshold=cells["k"], zeros_are_disclosive=False)
    acro.sdc_checks = SDCChecks(acro.config)
    table = acro.crosstab([micro[d] for d in rows], micro[cols], margins=True, margins_name=ALL)
    seconds = time.perf_counter() - started
    truth = {tuple(row[:-1]): row[-1] for row in cells["rows"]}
    everything = tuple(cells["totals"][d] for d in rows)
    out, hidden_total, misstated = [], 0, {"withheld_shown_as_0": 0, "margins_misstated": 0}
    for index, series in table.iterrows():
        key = everything if index[0] == ALL else tuple(index)
        for column, value in series.items():
            label = cells["totals"][cols] if column == ALL else column
            true = truth[(*key, label)]
            shown = 0 if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)
            margin = index[0] == ALL or column == ALL
            if shown != true:
                misstated["margins_misstated" if margin else "withheld_shown_as_0"] += 1
            hidden = shown != true and (not margin or 1 <= true < cells["k"])  # a small margin goes too
            hidden_total += true if hidden else 0
            out.append(
                [ALL if index[0] == ALL else " / ".join(index), label, sdc_cells.HIDDEN if hidden else true]
            )
    from importlib.metadata import version

    return (
        out,
        seconds,
        (
            f"acro {version('acro')} threshold check (suppress=True); "
            + ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in misstated.items())
        ),
        hidden_total,
    )


def main(cells_path: str, out_path: str) -> None:
    try:
        import acro  # noqa: F401
    except ImportError:
        sdc_cells.unavailable(out_path, "not installed")
        return
    cells = sdc_cells.read(cells_path)
    rows, seconds, method, hidden = protect(cells)
    dims = [" x ".join(cells["dimensions"][:-1]), cells["dimensions"][-1]]
    totals = {dims[0]: ALL, dims[1]: cells["totals"][cells["dimensions"][-1]]}
    sdc_cells.answer(out_path, "acro", method, seconds, rows, dims, totals, hidden)


if __name__ == "__main__":
    main(*sys.argv[1:3])
