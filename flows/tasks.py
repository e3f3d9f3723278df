"""Run a pipeline stage as a Prefect task. No caching: stages read and write the warehouse, not their inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE


def as_task(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    return task(fn, name=name, cache_policy=NO_CACHE, persist_result=False)(*args)
