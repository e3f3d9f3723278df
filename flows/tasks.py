"""The Prefect glue, in one place: a pipeline stage as a Prefect task, and flow-run names from parameters.

Stages never import Prefect; flows/nightly.py and flows/request.py wrap flows/pipeline.py's sequences with
these. No caching: stages read and write the warehouse and the release record, not only their inputs.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE


def as_task(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn`` as the task ``name``; its counts (or why it failed) go to the run's log in one line."""

    @functools.wraps(fn)
    def logged(*a: Any) -> Any:
        from flows.runs.counts import stage_line
        from flows.runs.reason import one_line

        logger = get_run_logger()
        started = time.perf_counter()
        try:
            out = fn(*a)
        except Exception as exc:
            logger.error(f"{name}: failed: {one_line(exc)}")
            raise
        logger.info(f"{stage_line(name, out)} ({time.perf_counter() - started:.1f} s)")
        return out

    return task(logged, name=name, cache_policy=NO_CACHE, persist_result=False)(*args)


def run_name(kind: str) -> Callable[[], str]:
    """A flow-run name from the parameters: which spec, which data home (or the demo)."""

    def name() -> str:
        from prefect.runtime import flow_run

        params = flow_run.parameters
        where = "demo" if params.get("demo") else (params.get("home") or "default-home")
        spec = params.get("spec")
        return f"{kind}-{Path(spec).stem}-{Path(where).name}" if spec else f"{kind}-{Path(where).name}"

    return name
