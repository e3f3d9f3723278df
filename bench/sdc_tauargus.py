"""Child process: tau-Argus (pytauargus, its bundled native engine and HiGHS) on one seeded table.

The table goes in as microdata (one record per person counted, so a cell's frequency is its count) with
the frequency rule FREQ(k, .) and, per sensitive cell (margins included), an a-priori protection level
(lower 0, upper k - value): the interval an intruder derives must reach k, which is what our audit asks
when every withheld cell is known to be at least 1. The cost is the response (sum of suppressed values) or
unity, -2 (cells). Empty cells are published zeros in tau-Argus too. Methods: MOD (modular, HiTaS) or OPT.

Usage: python -m bench.sdc_tauargus CELLS.json OUT.json MOD|OPT MAX_MINUTES
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from bench import sdc_cells

TOTAL = "Total"


def _codes(cells: dict) -> list[dict[str, str]]:
    """Each dimension's labels -> short codes (tau-Argus reads fixed-width codes; labels have spaces)."""
    out = []
    for i, dim in enumerate(cells["dimensions"]):
        labels = dict.fromkeys(row[i] for row in cells["rows"] if row[i] != cells["totals"][dim])
        out.append({label: f"{n + 1:04d}" for n, label in enumerate(labels)} | {cells["totals"][dim]: TOTAL})
    return out


def _apriori(cells: dict, codes: list[dict[str, str]], path: Path) -> None:
    k = cells["k"]
    lines = [
        ",".join([*(codes[i][label] for i, label in enumerate(row[:-1])), "PL", "0", str(k - row[-1])])
        for row in cells["rows"]
        if 1 <= row[-1] < k
    ]
    # pytauargus validates the first line's field count as "codes, command, one value" and miscounts PL lines:
    # lead with a no-op (the grand total's cost set to what it already is)
    grand = max(row[-1] for row in cells["rows"])
    first = ",".join([TOTAL] * len(codes) + ["C", str(grand if cells["cost"] == "values" else 1)])
    path.write_text("\n".join([first, *lines]) + "\n")


def protect(cells: dict, method: str, minutes: int, workdir: Path) -> tuple[list[list], float, int]:
    from pytauargus.arb import micro_arb
    from pytauargus.engine import run_batch
    from pytauargus.micro import micro_asc_rda
    from pytauargus.result import TableResult

    dims, codes = cells["dimensions"], _codes(cells)
    micro: dict[str, list] = {d: [] for d in dims} | {"n": []}
    for *labels, value in sdc_cells.inner(cells):
        for i, d in enumerate(dims):
            micro[d] += [codes[i][labels[i]]] * value
        micro["n"] += [1] * value
    asc, rda, arb, tab, hst = (str(workdir / name) for name in ("m.asc", "m.rda", "b.arb", "t.tab", "a.hst"))
    _apriori(cells, codes, Path(hst))
    started = time.perf_counter()
    micro_asc_rda(micro, asc_filename=asc, rda_filename=rda, totcode=TOTAL)
    spec = f"MOD(1,{minutes},1,1,1)" if method == "MOD" else f"OPT(1,{minutes})"
    micro_arb(
        arb_filename=arb,
        asc_filename=asc,
        rda_filename=rda,
        explanatory_vars=[dims],
        response_var="n",
        cost_var="n" if cells["cost"] == "values" else "-2",
        safety_rules=f"FREQ({cells['k']},10)",
        suppress=spec,
        output_names=[tab],
        output_type="5",
        output_options="SO+",
        apriori={"hst": [hst], "sep": ",", "ignore_err": 0, "exp_triv": 0},
    )
    run_batch(arb)
    seconds = time.perf_counter() - started
    back = [{code: label for label, code in c.items()} for c in codes]
    frame = TableResult(path=tab, exp_vars=dims, response="n", is_freq=False).dataframe()
    rows, hidden_total = [], 0
    for rec in frame.to_dict("records") if hasattr(frame, "to_dict") else frame:
        labels = [back[i][str(rec[d])] for i, d in enumerate(dims)]
        hidden = rec["status"] in ("U", "M")
        value = int(round(float(rec["n"] or 0)))
        hidden_total += value if hidden else 0
        rows.append([*labels, sdc_cells.HIDDEN if hidden else value])
    return rows, seconds, hidden_total


def main(cells_path: str, out_path: str, method: str, minutes: str) -> None:
    try:
        import pytauargus  # noqa: F401  (the native engine loads here)
    except ImportError as exc:
        reason = "not installed" if exc.name == "pytauargus" else f"engine cannot load: {exc}"
        sdc_cells.unavailable(out_path, reason)
        return
    except OSError as exc:  # a native library the wheel needs is missing on this machine
        sdc_cells.unavailable(out_path, f"engine cannot load: {exc}")
        return
    cells = sdc_cells.read(cells_path)
    cells_path, out_path = str(Path(cells_path).resolve()), str(Path(out_path).resolve())
    with tempfile.TemporaryDirectory(prefix="bench-tau-") as tmp:
        os.chdir(tmp)  # tau-Argus writes its logs (HiTaS.log, cspSCIP.*) into the working directory
        rows, seconds, hidden = protect(cells, method, int(minutes), Path(tmp))
    sdc_cells.answer(
        out_path, f"tau-Argus {method}", method, seconds, rows, cells["dimensions"], cells["totals"], hidden
    )


if __name__ == "__main__":
    main(*sys.argv[1:5])
