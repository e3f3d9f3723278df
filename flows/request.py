"""Prefect flow: answer one FOI request spec (a deployment parameter) with a draft; a person approves and
publishes it (`disclose approve`, `disclose publish`)."""

from __future__ import annotations

from collections.abc import Callable

from prefect import Flow, flow

from flows.config import Settings
from flows.demo import settings_for
from flows.pipeline import RunResult, run_request
from flows.runs.artifacts import publish_run
from flows.tasks import as_task, run_name


@flow(name="request", log_prints=False, flow_run_name=run_name("request"))
def request(spec: str, config: str | None = None, home: str | None = None, demo: bool = False) -> RunResult:
    """Validate the spec, count, protect, and draft the response under <home>/drafts/."""
    return run_request(settings_for(config, home, demo), spec, step=as_task, report=publish_run)


def request_for(settings: Settings, drafted: Callable[[RunResult], None] = lambda result: None) -> Flow:
    """The same flow, with the same parameters, for a process that already holds the caller's settings (the
    warm service, flows/warm/service.py: the CLI's settings, whatever its environment said). ``drafted`` is
    told as soon as the run is drafted and recorded, before Prefect's own teardown (the run's final state,
    up to a second joining its heartbeat thread), so the service can answer the person waiting."""

    @flow(name="request", log_prints=False, flow_run_name=run_name("request"))
    def request(
        spec: str, config: str | None = None, home: str | None = None, demo: bool = False
    ) -> RunResult:
        """Validate the spec, count, protect, and draft the response under <home>/drafts/."""
        result = run_request(settings, spec, step=as_task, report=publish_run)
        drafted(result)
        return result

    return request
