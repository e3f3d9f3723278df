"""The GX child process: a dead child is replaced, its errors reach the parent named, and a broken suite is
still a SuiteError (a broken check, not a data failure)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.validate import SuiteError, run_suite
from flows.validate.gx_process import PROCESS, GxProcessError

ROOT = Path(__file__).resolve().parents[1]


def _suite(tmp_path: Path, expectations: list[dict], query: str = "checks/t.sql") -> Path:
    (tmp_path / "sql" / "checks").mkdir(parents=True)
    (tmp_path / "sql" / "checks" / "t.sql").write_text("select n from t")
    exp = tmp_path / "expectations"
    exp.mkdir()
    (exp / "t.json").write_text(
        json.dumps({"name": "t", "expectations": expectations, "meta": {"disclose": {"query": query}}})
    )
    return tmp_path


BETWEEN = {
    "type": "expect_column_values_to_be_between",
    "kwargs": {"column": "n", "min_value": 0, "max_value": 5},
    "severity": "critical",
}


def _run(root: Path, values: list[int]):
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"n": values}))
    return run_suite(con, "t", expectations_dir=root / "expectations", sql_dir=root / "sql", run_id="r")


def test_results_come_back_from_the_child(tmp_path):
    root = _suite(tmp_path, [BETWEEN])
    ok, bad = _run(root, [1, 2]), _run(root, [1, 9])
    assert ok.success and not bad.success and bad.blocks_publication
    assert "1 of 2" in bad.results[0].observed
    assert bad.gx_result["success"] is False  # GX's own result, as JSON, for Data Docs


def test_a_dead_child_is_replaced(tmp_path):
    root = _suite(tmp_path, [BETWEEN])
    PROCESS.start()
    PROCESS._proc.kill()
    PROCESS._proc.wait()
    assert _run(root, [3]).success


def test_a_child_that_dies_mid_validation_is_reported(tmp_path, monkeypatch):
    root = _suite(tmp_path, [BETWEEN])
    PROCESS.start()
    proc = PROCESS._proc
    monkeypatch.setattr("flows.validate.gx_process._send", lambda stream, obj: proc.kill())
    with pytest.raises(GxProcessError, match="exited .* while validating t"):
        _run(root, [3])


def test_a_broken_suite_is_a_suite_error(tmp_path):
    root = _suite(tmp_path, [{"type": "expect_no_such_thing", "kwargs": {}, "severity": "critical"}])
    with pytest.raises(SuiteError, match="t.json"):
        _run(root, [1])
