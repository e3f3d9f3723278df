"""The suppression benchmark beside the peers: each tool protects the same seeded tables (flows.sdc.bench)
with the same rule (counts 1..k-1 sensitive), protection (a withheld cell's interval must reach k, zeros
published) and cost; each runs in its own process (wall and CPU time, peak RSS, the machine's load average, a
time budget), in rotating order; and our independent audit judges every tool's output the same way.

Reported per table and tool, from one run so the figures sit side by side: cells withheld, the value withheld
inside the table and with its margins (and as a share of the grand total), the protection's time (our
engine's own audit apart), its optimality gap where the tool proves one, and our audit's verdict (exposed
cells) and time. Gaps, cells and values do not depend on the machine's load; times do, hence the load.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

from bench.measure import ROOT, measure
from bench.sdc_cells import HIDDEN, inner, read, write_cells
from bench.sdc_verdict import audit_answer

SIZES = ("small", "medium", "large")
ONCE = {"medium", "large"}  # one repetition each: the medians are of the small tables
PEERS_UP_TO = "medium"  # tau-Argus did not finish the large table in 12 minutes; --sizes large --peers-large
ACRO_PYTHON = ROOT / "bench" / "data" / "acro-venv" / "bin" / "python"


def tools(budget_s: float) -> dict[str, tuple[list[str], str | None]]:
    """Tool -> (module and arguments after CELLS OUT, interpreter). acro uses its own environment when
    bench/data/acro-venv exists (acro pins pandas<=2.3.3; the project locks pandas 3)."""
    minutes = str(max(1, int(0.8 * budget_s // 60)))  # tau-Argus's own solver limit, inside the budget
    acro_python = str(ACRO_PYTHON) if ACRO_PYTHON.exists() else None
    return {
        "disclose": (["bench.sdc_disclose"], None),
        "tau-Argus MOD": (["bench.sdc_tauargus", "{cells}", "{out}", "MOD", minutes], None),
        "tau-Argus OPT": (["bench.sdc_tauargus", "{cells}", "{out}", "OPT", minutes], None),
        "acro": (["bench.sdc_acro"], acro_python),
    }


def run(
    scale: str,
    reps: int,
    budget_s: float,
    k: int = 5,
    cost: str = "values",
    seed: int = 2024,
    sizes: tuple[str, ...] | None = None,
    peers_large: bool = False,
) -> dict:
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-sdc-") as tmp:
        for size in sizes or SIZES:
            cells = Path(tmp) / f"{size}.json"
            write_cells(size, seed, k, cost, cells)
            runs: dict[str, list[dict]] = {}
            names = [n for n in tools(budget_s) if n == "disclose" or size != "large" or peers_large]
            for rep in range(1 if size in ONCE else reps):
                for name in names[rep % len(names) :] + names[: rep % len(names)]:  # rotate the order
                    runs.setdefault(name, []).append(_one(name, cells, Path(tmp) / "out.json", budget_s, k))
                print(f"suppression {size}: repetition {rep + 1} done", flush=True)
            results[size] = {name: _summary(r) for name, r in runs.items()}
    return {"k": k, "cost": cost, "seed": seed, "budget_s": budget_s, "sizes": results}


def _one(name: str, cells: Path, out: Path, budget_s: float, k: int) -> dict:
    args, python = tools(budget_s)[name]
    args = [a.format(cells=cells, out=out) for a in args]
    if "{cells}" not in tools(budget_s)[name][0]:
        args += [str(cells), str(out)]
    out.unlink(missing_ok=True)
    sample = measure(args, python=python, budget_s=budget_s, check=False)
    if sample["timed_out"]:
        return sample | {"status": f"timed out after {budget_s:.0f} s"}
    if sample["exit_code"] != 0 or not out.exists():
        return sample | {"status": f"failed (exit {sample['exit_code']})"}
    answer = json.loads(out.read_text())
    if "unavailable" in answer:
        return sample | {"status": f"unavailable: {answer['unavailable']}"}
    keep = (
        "method",
        "solve_seconds",
        "cells_suppressed",
        "suppressed_total",
        "optimality",
        "engine_audit_seconds",
    )
    return (
        sample
        | {key: answer.get(key) for key in keep}
        | {"status": "ok"}
        | _values(answer, read(cells))
        | audit_answer(answer, k)
    )


def _values(answer: dict, cells: dict) -> dict:
    """Value withheld inside the table (below every margin) and the grand total, from the true cells."""
    truth = {tuple(r[:-1]): r[-1] for r in cells["rows"]}
    inside = {tuple(r[:-1]) for r in inner(cells)}
    shown = {tuple(r[:-1]): r[-1] for r in answer["rows"]}
    withheld = [key for key, value in shown.items() if value == HIDDEN]
    grand = truth[tuple(cells["totals"][d] for d in cells["dimensions"])]
    return {"interior_total": sum(truth[key] for key in withheld if key in inside), "grand_total": grand}


def _summary(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return {"status": runs[0]["status"], "runs": len(runs), "load_average": runs[0]["load_average"]}
    last = ok[-1]
    keep = (
        "method",
        "cells_suppressed",
        "suppressed_total",
        "interior_total",
        "grand_total",
        "optimality",
        "verdict",
        "exposed",
        "audit_method",
        "audit_seconds",
        "first_problem",
    )
    return {
        "status": "ok",
        "runs": len(ok),
        **{key: last.get(key) for key in keep},
        "median_seconds": statistics.median(r["seconds"] for r in ok),
        "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in ok),
        "median_solve_seconds": statistics.median(r["solve_seconds"] for r in ok),
        "engine_audit_seconds": statistics.median(r.get("engine_audit_seconds") or 0.0 for r in ok),
        "peak_rss_mib": max(r["peak_rss_mib"] for r in ok),
        "load_average": [round(r["load_average"], 1) for r in ok],
    }


def print_table(result: dict) -> None:
    print(
        f"\nsuppression beside the peers: k={result['k']}, cost={result['cost']}, seed {result['seed']}, "
        f"budget {result['budget_s']:.0f} s per tool run"
    )
    print(
        f"{'size':7} {'tool':14} {'cells [c]':>9} {'value in':>9} {'with margins':>12} {'of grand':>8} "
        f"{'gap':>6} {'protect s':>9} {'own audit s':>11} {'our audit':>15} {'audit s':>8} {'load':>5}"
    )
    for size, by_tool in result["sizes"].items():
        for name, m in by_tool.items():
            if m["status"] != "ok":
                print(f"{size:7} {name:14} {m['status']}")
                continue
            gap = f"{m['optimality']['gap']:6.1%}" if m.get("optimality") else f"{'-':>6}"
            print(
                f"{size:7} {name:14} {m['cells_suppressed']:9d} {m['interior_total']:9d} {m['suppressed_total']:12d} "
                f"{m['suppressed_total'] / m['grand_total']:8.1%} {gap} {m['median_solve_seconds']:9.2f} "
                f"{m['engine_audit_seconds']:11.2f} {m['verdict']:>15} {m['audit_seconds']:8.1f} "
                f"{max(m['load_average']):5.1f}"
            )


if __name__ == "__main__":  # python -m bench.suppression [SIZE...]: a quick look without the other sections
    found = run("tiny", 1, 600.0, sizes=tuple(sys.argv[1:]) or None)
    print_table(found)
