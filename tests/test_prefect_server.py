"""The deployments in prefect.yaml on a real Prefect server with a process worker (marker: server).

Starts a throwaway server and worker on loopback, deploys, runs the nightly and request deployments with
parameters, and checks the drafts they wrote (a person approves and publishes them), then the site deployment. Slow (about a minute): .ci/run runs it separately.
"""

from __future__ import annotations

import pytest

from flows.local_server import ServerError, prefect, server, worker

pytestmark = pytest.mark.server


def test_deployments_run_on_a_server_with_a_worker(tmp_path):
    from flows.generate import generate

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
    drafts = home / "drafts"
    assert list(drafts.glob("arrests-by-offence-group-year-outcome.*/v1/files/manifest.json"))
    assert (drafts / "3056_15" / "v1" / "files" / "letter.md").is_file()
    assert not (home / "published" / "3056_15").exists()
    assert (home / "site" / "index.html").is_file()  # the site deployment built the (empty) site
