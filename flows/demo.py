"""The demo's own home (data/demo/, ignored by git): synthetic output never mixes with a real installation."""

from __future__ import annotations

from pathlib import Path

from flows.config import PROJECT_ROOT, SYNTHETIC_ORGANISATION, Settings, load_settings, mark_synthetic

DEMO_HOME = PROJECT_ROOT / "data" / "demo"
DEMO_REQUESTS = ("wmp-3056-15.yaml", "mps-01-foi-22-025326.yaml")


def demo_settings() -> Settings:
    mark_synthetic(DEMO_HOME)  # the home says it is synthetic, so `--home data/demo` keeps the marking
    return load_settings(  # the demo generates its extracts whole before it ingests them: none to wait for
        home=DEMO_HOME, synthetic=True, organisation=SYNTHETIC_ORGANISATION, landing_settle_seconds=0
    )


def settings_for(config: str | None = None, home: str | None = None, demo: bool = False) -> Settings:
    """Settings from flow parameters, which must be plain JSON for Prefect deployments."""
    if demo:
        return demo_settings()
    return load_settings(Path(config) if config else None, home=Path(home) if home else None)


def demo_sign_off(settings: Settings, drafted: list) -> list[str]:
    """Approve (as "demo") and publish every release the demo drafted, so the whole lifecycle runs."""
    from flows.release.approve import approve
    from flows.release.publish import publish
    from flows.release.record import read_events, release_states
    from flows.release.store import find_draft
    from flows.requests.calendar import NotDue

    published = release_states(read_events(settings))
    done = []
    for result in drafted:
        if isinstance(result, NotDue) or result.release_id in published:
            continue
        if find_draft(settings, result.release_id).approval is None:
            done.append(approve(settings, result.release_id, by="demo", note="make demo"))
        done.append(publish(settings, result.release_id))
    return [f"{r.status} {r.release_id}: {r.path}" + (f" ({r.message})" if r.message else "") for r in done]
