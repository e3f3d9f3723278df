"""The Prefect glue, in one place: a pipeline stage as a Prefect task, and flow-run names from parameters.

Stages never import Prefect; flows/nightly.py and flows/request.py wrap flows/pipeline.py's sequences with
these. No caching: stages read and write the warehouse and the release record, not only their inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE


def as_task(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    return task(fn, name=name, cache_policy=NO_CACHE, persist_result=False)(*args)


def run_name(kind: str) -> Callable[[], str]:
    """A flow-run name from the parameters: which spec, which data home (or the demo)."""

    def name() -> str:
        from prefect.runtime import flow_run

        params = flow_run.parameters
        where = "demo" if params.get("demo") else (params.get("home") or "default-home")
        spec = params.get("spec")
        return f"{kind}-{Path(spec).stem}-{Path(where).name}" if spec else f"{kind}-{Path(where).name}"

    return name
