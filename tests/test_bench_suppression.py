"""The suppression benchmark's plumbing: what each tool publishes is read back faithfully and judged by our
audit, and a tool that overruns its budget is stopped."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bench import sdc_cells
from bench.measure import measure
from bench.sdc_verdict import audit_answer


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sdc") / "small.json"
    sdc_cells.write_cells("small", 2024, 5, "values", path)
    return path


def _primary_only(cells: dict) -> dict:
    rows = [[*r[:-1], sdc_cells.HIDDEN if 1 <= r[-1] < cells["k"] else r[-1]] for r in cells["rows"]]
    return {
        "tool": "primary only",
        "dimensions": cells["dimensions"],
        "totals": cells["totals"],
        "rows": rows,
    }


def test_cells_hold_the_whole_table_with_margins(small: Path) -> None:
    cells = sdc_cells.read(small)
    assert len(cells["rows"]) == 9 * 6 * 5 and len(sdc_cells.inner(cells)) == 8 * 5 * 4


def test_primary_suppression_alone_is_exposed_by_the_audit(small: Path) -> None:
    cells = sdc_cells.read(small)
    verdict = audit_answer(_primary_only(cells), cells["k"])
    assert verdict["exposed"] > 0 and verdict["verdict"].endswith("exposed")


def test_our_engine_passes_our_audit(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    sample = measure(["bench.sdc_disclose", str(small), str(out)])
    answer = json.loads(out.read_text())
    assert sample["peak_rss_mib"] > 0 and answer["cells_suppressed"] > 0
    assert audit_answer(answer, 5)["verdict"] == "passed"


@pytest.mark.skipif(importlib.util.find_spec("pytauargus") is None, reason="pytauargus not installed")
def test_tau_argus_pattern_is_read_back_faithfully(small: Path, tmp_path: Path, monkeypatch) -> None:
    """tau-Argus protects against an intruder who thinks a withheld cell may be 0: audited with that
    assumption its pattern must pass, or the adapter misread it."""
    from bench.sdc_tauargus import protect
    from flows.sdc_audit import AuditTable, audit_tables

    cells = sdc_cells.read(small)
    monkeypatch.chdir(tmp_path)  # tau-Argus writes its logs into the working directory
    rows, _, hidden_total = protect(cells, "MOD", 1, tmp_path)
    truth = {tuple(r[:-1]): r[-1] for r in cells["rows"]}
    assert all(r[-1] == sdc_cells.HIDDEN or r[-1] == truth[tuple(r[:-1])] for r in rows)
    assert all(r[-1] == sdc_cells.HIDDEN for r in rows if 1 <= truth[tuple(r[:-1])] < 5)
    table = AuditTable(
        "tau",
        tuple(cells["dimensions"]),
        ("count",),
        tuple((tuple(r[:-1]), (r[-1],)) for r in rows),
        totals=cells["totals"],
    )
    assert audit_tables([table], k=5, zeros_published=False).passed
    assert hidden_total == sum(truth[tuple(r[:-1])] for r in rows if r[-1] == sdc_cells.HIDDEN)


def test_a_run_past_its_budget_is_stopped() -> None:
    sample = measure(["timeit", "-n", "1", "import time; time.sleep(30)"], budget_s=1, check=False)
    assert sample["timed_out"] and sample["seconds"] < 10
