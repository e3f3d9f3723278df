"""A nightly run, five requests and two publishes started together on one home: all succeed, the requests read
the snapshot published before the nightly run while it builds the next one, and the publication record stays
safe (issue 15 item 2). Real processes, as a force's scheduler and disclosure officers would start them; the
nightly run has a month of files to load, so everything else starts while it writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.config import PROJECT_ROOT, load_settings
from flows.db import snapshots
from flows.generate import generate
from flows.pipeline import run_request, stage_ingest, stage_transform
from flows.release.approve import approve
from flows.requests.spec import load_spec
from tests.test_request_examples import TODAY

REAL = PROJECT_ROOT / "data" / "requests" / "real"
REQUESTS = ["r06-domestic-abuse-by-outcome", "r08-arrests-by-ethnicity-by-year", "r10-shoplifting-by-month",
            "r14-crimes-excluding-cancelled-by-district", "r16-knife-possession-by-age"]  # fmt: skip
PUBLISHED = ["r04-immigration-offences-by-year", "r07-arrests-by-gender-by-year"]
ORGANISATION = "Example Constabulary"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return make_home(tmp_path)


def make_home(tmp_path: Path) -> Path:
    """A generated force's warehouse with two approved drafts, and another force's extracts (seed 6: new files
    for the ledger) waiting in landing for the nightly run."""
    home = tmp_path / "home"
    generate(seed=5, scale="tiny", out=home / "landing", today=TODAY)
    settings = load_settings(home=home, organisation=ORGANISATION)
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    for name in PUBLISHED:
        (release,) = run_request(settings, str(REAL / f"{name}.yaml")).releases
        approve(settings, release.release_id, by="Jo Bloggs")
    generate(seed=6, scale="tiny", out=home / "landing", today=TODAY)
    return home


def start_cli(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DISCLOSE_HOME": str(home), "DISCLOSE_ORGANISATION": ORGANISATION}
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_nightly_run_five_requests_and_two_publishes_at_once(home):
    settings = load_settings(home=home, organisation=ORGANISATION)
    before = snapshots.published_state(settings).snapshot_id
    nightly = start_cli(home, "nightly", "--plain")
    others = []
    for name in REQUESTS:
        others.append(start_cli(home, "request", str(REAL / f"{name}.yaml"), "--plain"))
        assert nightly.poll() is None, "the nightly run ended before every request had started"
    for name in PUBLISHED:
        others.append(start_cli(home, "publish", load_spec(REAL / f"{name}.yaml")[0].reference))
    assert nightly.poll() is None, "nothing overlapped: the nightly run had already finished"
    deadline = time.monotonic() + 600
    results = []
    for proc in [nightly, *others]:
        out, err = proc.communicate(timeout=max(1, deadline - time.monotonic()))
        results.append((proc.args[3:5], proc.returncode, out[-2000:], err[-2000:]))
    failed = [r for r in results if r[1] != 0]
    assert not failed, failed
    assert_safe_outcome(home, before)


def assert_safe_outcome(home: Path, before: str) -> None:
    """A new snapshot, a request that read the one before it, both publishes done and the audit passing."""
    after = snapshots.published_state(load_settings(home=home, organisation=ORGANISATION)).snapshot_id
    assert after != before, "the nightly run published no new snapshot"
    read = {
        json.loads((folder / "files" / "manifest.json").read_text())["warehouse"]["snapshot"]
        for name in REQUESTS
        for folder in (home / "drafts").glob(f"REAL-{name[1:3]}/v*")
    }
    assert before in read, f"no request read the snapshot published before the nightly run: {read}"
    published = sorted(str(p) for p in (home / "published").glob("REAL-*/v*"))
    assert len(published) == len(PUBLISHED)
    audit = start_cli(home, "audit", "--cumulative", *published)
    out, err = audit.communicate(timeout=300)
    assert audit.returncode == 0, out + err
