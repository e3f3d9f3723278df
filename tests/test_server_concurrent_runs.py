"""The concurrent-runs test (tests/test_concurrent_runs.py) on a real Prefect server and process worker (marker:
server): a nightly deployment run, five request deployment runs and two publishes from the CLI, started together
on one home. All complete, they really overlap in time, a request reads the snapshot published before the nightly
run, and the cumulative audit passes. "database is locked" retries in the server's log are expected, not failures.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from flows.config import load_settings
from flows.db import snapshots
from flows.local_server import ServerError, server, start_run, wait_for, worker
from flows.requests.spec import load_spec
from tests.test_concurrent_runs import (
    ORGANISATION,
    PUBLISHED,
    REAL,
    REQUESTS,
    assert_safe_outcome,
    make_home,
    start_cli,
)

pytestmark = pytest.mark.server


def _interval(run: dict) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(run["start_time"]), datetime.fromisoformat(run["end_time"])


def test_a_nightly_run_five_requests_and_two_publishes_on_a_server(tmp_path):
    home = make_home(tmp_path)
    settings = load_settings(home=home, organisation=ORGANISATION)
    before = snapshots.published_state(settings).snapshot_id
    record = home / "runs" / "runs.jsonl"
    earlier = len(record.read_text().splitlines()) if record.exists() else 0
    try:
        with server(tmp_path / "prefect") as env:
            env = {**env, "DISCLOSE_ORGANISATION": ORGANISATION}
            with worker(env, tmp_path / "prefect"):
                nightly = start_run(env, "nightly/nightly", {"home": str(home)})
                requests = [
                    start_run(env, "request/request", {"spec": str(REAL / f"{name}.yaml"), "home": str(home)})
                    for name in REQUESTS
                ]
                publishes = [
                    start_cli(home, "publish", load_spec(REAL / f"{n}.yaml")[0].reference) for n in PUBLISHED
                ]
                published_out = [(*p.communicate(timeout=300), p.returncode) for p in publishes]
                runs = wait_for(env, [nightly, *requests], timeout=600)
    except ServerError as exc:
        pytest.fail(str(exc))
    assert all(code == 0 for *_, code in published_out), published_out
    assert [r["state_type"] for r in runs] == ["COMPLETED"] * 6, [(r["name"], r["state_name"]) for r in runs]
    night_start, night_end = _interval(runs[0])
    overlapping = [
        r["name"] for r in runs[1:] if _interval(r)[0] < night_end and _interval(r)[1] > night_start
    ]
    assert overlapping, "no request ran while the nightly run did: the worker ran them one after another"
    requests = [_interval(r) for r in runs[1:]]
    assert any(  # not "all five at once": on two loaded cores the worker may start the fifth after the first ends
        a[0] < b[1] and b[0] < a[1] for i, a in enumerate(requests) for b in requests[i + 1 :]
    ), "no two requests ran at once: a concurrency limit serialised them"
    records = [json.loads(line) for line in record.read_text().splitlines()[earlier:]]
    assert (
        sorted((r["kind"], r["status"]) for r in records)
        == [("nightly", "completed")] + [("request", "completed")] * 5
    )
    assert_safe_outcome(home, before)
