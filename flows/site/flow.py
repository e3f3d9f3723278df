"""Prefect flow behind the ``site`` deployment: rebuild the transparency site from the publication record
(publish and withdraw already rebuild it directly; this one re-runs it on a schedule or after a template
change, on the worker that serves the site)."""

from __future__ import annotations

from prefect import flow

from flows.demo import settings_for
from flows.site.build import rebuild


@flow(name="site", log_prints=False)
def site(config: str | None = None, home: str | None = None, demo: bool = False) -> str:
    """Rebuild the site; returns the path of its index page."""
    result = rebuild(settings_for(config, home, demo))
    return str(result.index)
