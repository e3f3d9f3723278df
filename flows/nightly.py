"""Prefect flow: the nightly run. Thin: each stage of flows.pipeline.run_nightly runs as a Prefect task."""

from __future__ import annotations

from prefect import flow

from flows.demo import settings_for
from flows.pipeline import RunResult, run_nightly
from flows.runs.artifacts import publish_run
from flows.tasks import as_task, run_name


@flow(name="nightly", log_prints=False, flow_run_name=run_name("nightly"))
def nightly(config: str | None = None, home: str | None = None, demo: bool = False) -> RunResult:
    """Ingest landed extracts, rebuild core and marts, validate, and draft the standing datasets that are due
    (published at once only where release.publish_standing says so)."""
    return run_nightly(settings_for(config, home, demo), step=as_task, report=publish_run)
