"""The deployments in prefect.yaml on a real Prefect server with a process worker (marker: server).

Starts a throwaway server and worker on loopback, deploys, runs the nightly and request deployments with
parameters and checks the drafts they wrote; then a person approves and publishes the response, and the site
deployment builds the transparency site with its page. Slow (a few minutes): .ci/run runs it separately.
"""

from __future__ import annotations

import json

import pytest

from flows.local_server import ServerError, prefect, server, worker

pytestmark = pytest.mark.server


def test_deployments_run_on_a_server_with_a_worker(tmp_path):
    from flows.config import load_settings
    from flows.generate import generate
    from flows.release.approve import approve
    from flows.release.publish import publish

    home = tmp_path / "home"
    generate(seed=3, scale="tiny", out=home / "landing")
    try:
        with server(tmp_path / "prefect") as env, worker(env, tmp_path / "prefect"):
            prefect(
                env,
                "deployment",
                "run",
                "nightly/nightly",
                "-p",
                f"home={home}",
                "--watch",
                "--watch-timeout",
                "600",
            )
            prefect(
                env,
                "deployment",
                "run",
                "request/request",
                "-p",
                "spec=wmp-3056-15.yaml",
                "-p",
                f"home={home}",
                "--watch",
                "--watch-timeout",
                "300",
            )
            listed = prefect({**env, "COLUMNS": "250"}, "artifact", "ls")  # each run's summary and counts
            assert "nightly-run" in listed and "request-run-counts" in listed
            drafts = home / "drafts"
            assert list(drafts.glob("arrests-by-offence-group-year-outcome.*/v1/files/manifest.json"))
            assert (drafts / "3056_15" / "v1" / "files" / "letter.md").is_file()
            assert not (home / "published" / "3056_15").exists()  # a person approves and publishes
            settings = load_settings(home=home)
            approve(settings, "3056_15", by="Jo Bloggs")
            publish(settings, "3056_15")
            (home / "site").unlink()  # publish built the site itself: the deployment must build it again
            prefect(
                env,
                "deployment",
                "run",
                "site/site",
                "-p",
                f"home={home}",
                "--watch",
                "--watch-timeout",
                "120",
            )
    except ServerError as exc:
        pytest.fail(str(exc))
    assert (home / "site" / "releases" / "3056_15" / "index.html").is_file()
    runs = [json.loads(line) for line in (home / "runs" / "runs.jsonl").read_text().splitlines()]
    assert [(r["kind"], r["status"]) for r in runs] == [("nightly", "completed"), ("request", "completed")]
