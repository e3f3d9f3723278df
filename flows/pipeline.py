"""The nightly run and a request run as plain sequences of stages; nothing else.

Each stage is one call to a stage module (ingest, the warehouse, validation, the release package); ``step`` decides how a stage runs: called directly (tests, plain
runs) or as a Prefect task (flows/nightly.py, flows/request.py wrap each stage so the UI shows them).
Stages open the warehouse themselves, so nothing unpicklable passes between them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flows.config import Settings
from flows.db import LayerBuild, connect, snapshots, update_layers
from flows.errors import PipelineFailed
from flows.ingest import IngestReport, ingest_landing
from flows.reference.load import load_reference
from flows.runs import progress
from flows.runs.counts import stage_line
from flows.runs.recorder import Reporter, recorded
from flows.warehouse_lock import writing

Step = Callable[..., Any]


def direct(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


@dataclass
class RunResult:
    run_id: str
    ingest: IngestReport | None = None
    validations: list = field(default_factory=list)
    validation: str | None = None  # which kind of validation ran ("validation: incremental over N records")
    snapshot: str | None = None  # what the nightly run published for readers
    releases: list = field(default_factory=list)
    stages: list[str] = field(default_factory=list)  # each finished stage's counts in one line

    def summary_lines(self) -> list[str]:
        lines = []
        if self.ingest is not None:
            lines += [o.line() for o in self.ingest.outcomes] or ["no new extracts in the landing folder"]
        if self.validation:
            lines.append(self.validation)
        if self.snapshot:
            lines.append(self.snapshot)
        for v in self.validations:
            lines.append(f"validated {v.suite}: {'passed' if v.success else 'warnings'}")
            lines += [f"  warning: {w}" for w in v.warnings]
        for r in self.releases:
            lines.append(f"{r.status} {r.release_id}: {r.path}" + (f" ({r.message})" if r.message else ""))
            lines += [f"  {r.path / name}" for name in r.files]
            if r.status == "drafted":
                lines.append(
                    f"  next: disclose approve {r.release_id} --by NAME, then disclose publish {r.release_id}"
                )
        return lines


def new_run_id(kind: str) -> str:
    return f"{kind}-{datetime.now():%Y%m%dT%H%M%S%f}"


def staged(step: Step, result: RunResult) -> Step:
    """``step``, with each stage announced as it starts (the CLI's progress line) and its counts kept."""

    def run(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        progress.stage(name)
        started = time.perf_counter()
        out = step(name, fn, *args)
        result.stages.append(f"{stage_line(name, out)} ({time.perf_counter() - started:.1f} s)")
        return out

    return run


def stage_ingest(settings: Settings) -> IngestReport:
    """Load the reference data and every landed file; fail loudly if any file was rejected."""
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        report = ingest_landing(
            con,
            settings.landing_dir,
            raw_dir=settings.raw_dir,
            sql_dir=settings.sql_dir,
            max_share=settings.quarantine_limits,
            profiles_dir=settings.profiles_dir,
            reference_dir=settings.reference_dir,
            fault=settings.fault,
            settle_seconds=settings.landing_settle_seconds,
            extracted_at_tolerance_hours=settings.extracted_at_tolerance_hours,
        )
    return report


def stage_transform(settings: Settings) -> LayerBuild:
    """Bring core and marts up to date with the SQL in sql/: only what the new files touch, everything when the
    SQL or the reference data changed (flows/db/transform.py)."""
    with connect(settings) as con:
        return update_layers(con, settings.sql_dir, fault=settings.fault)


@dataclass
class ValidationRun:
    """One nightly validation: what it covered (flows/validate/scope.py) and each suite's report."""

    scope: Any
    reports: list

    def line(self) -> str:
        return self.scope.line()


def stage_validate(
    settings: Settings,
    suites: tuple[str, ...],
    run_id: str,
    now: datetime | None = None,
    full: str | None = None,
) -> ValidationRun:
    """Run each GX suite once, over what changed since the last pass or over everything (flows/validate/scope.py;
    ``now`` is the clock, ``full`` a reason to validate everything); a failed critical expectation stops the run
    before publication, and only a pass without one is recorded."""
    from flows.validate import scope as scopes
    from flows.validate import validate_suite
    from flows.validate.gx_process import warm_up_in_background

    warm_up_in_background()  # GX's import overlaps the first suite's DuckDB query
    with connect(settings) as con:
        scope = scopes.decide(con, settings, now, full)
        reports = [
            validate_suite(
                con,
                suite,
                params=suite_settings(settings, suite),
                expectations_dir=settings.expectations_dir,
                sql_dir=settings.sql_dir,
                run_id=run_id,
                full=scope.full,
            )
            for suite in suites
        ]
        failures = [f"{r.suite}: {m}" for r in reports if r.blocks_publication for m in r.critical_failures]
        if not failures:
            scopes.record_pass(con, scope, run_id, now)
    if failures:
        raise PipelineFailed(
            f"validation failed ({scope.line().removeprefix('validation: ')}), nothing published: "
            + "; ".join(failures)
        )
    return ValidationRun(scope, reports)


def suite_settings(settings: Settings, suite: str) -> dict | None:
    """The parameters a suite takes from disclose.toml rather than its own defaults."""
    if suite in ("staging.custody_offences", "staging.crimes"):
        return {"unrecognised_max_share": settings.unrecognised_code_warn_share}
    return None


def check_ingest(report: IngestReport) -> None:
    if report.rejected:
        lines = "; ".join(o.line() for o in report.rejected)
        raise PipelineFailed(f"{len(report.rejected)} file(s) rejected, nothing published: {lines}")


NIGHTLY_SUITES = (
    "ingest_reconciliation",
    "ingest_reconciliation.police_uk",
    "staging.custody_offences",
    "staging.crimes",
    "staging.police_uk_street_crimes",
    "staging.police_uk_outcomes",
    "staging.police_uk_stop_searches",
    "staging.police_uk_neighbourhood_counts",
    "marts.arrests_by_offence_group_year_outcome",
)


def stage_standing(settings: Settings) -> list[Any]:
    """Release every standing dataset whose calendar has a period due (flows/release/standing.py)."""
    from flows.release.lock import release_lock
    from flows.release.recovery import recover
    from flows.release.standing import due_sources

    with release_lock(settings, "nightly: standing datasets"):
        recover(settings)  # what is due depends on what the record says was published
    sources, not_due = due_sources(settings)
    if not sources:  # most nights: nothing is due, and disclosure control need not be imported
        return not_due
    from flows.release.make import release

    return [*not_due, *(result for source in sources for result in release(settings, source))]


def run_nightly(
    settings: Settings, step: Step = direct, report: Reporter | None = None, now: datetime | None = None
) -> RunResult:
    """The nightly stages; the run is recorded in the home's run log (and handed to ``report``) however it
    ends, and the webhook is told if it failed (flows/runs/recorder.py). ``now``: the clock validation reads
    (tests)."""
    from flows.validate.gx_process import warm_up_in_background

    warm_up_in_background()  # GX imports in its own process while landed files are ingested
    result = RunResult(new_run_id("nightly"))
    step = staged(step, result)
    with (
        recorded(settings, "nightly", result, report),
        writing(settings, f"nightly run {result.run_id}"),  # one writer at a time, named for whoever waits
    ):
        with snapshots.deferred(settings):  # readers keep the last snapshot until this one has validated
            result.ingest = step("ingest", stage_ingest, settings)
            check_ingest(result.ingest)
            step("transform", stage_transform, settings)
            validated = step("validate", stage_validate, settings, NIGHTLY_SUITES, result.run_id, now)
            result.validations, result.validation = validated.reports, validated.line()
        result.snapshot = step("publish snapshot", stage_publish, settings)
        result.releases += step("standing releases", stage_standing, settings)
    return result


def stage_publish(settings: Settings) -> str:
    """Switch readers to the snapshot just built and validated (flows/db/snapshots.py)."""
    return f"snapshot {snapshots.publish(settings, validated=True)} published"


def stage_request(settings: Settings, spec_file: str) -> list[Any]:
    """Load and check the spec, then answer, protect and draft it (flows/release/)."""
    from flows.release.make import release
    from flows.release.source import request_source

    return release(settings, request_source(settings, spec_file))


def run_request(
    settings: Settings, spec_file: str, step: Step = direct, report: Reporter | None = None
) -> RunResult:
    result = RunResult(new_run_id("request"))
    with recorded(settings, "request", result, report):
        result.releases += staged(step, result)("answer", stage_request, settings, str(spec_file))
    return result
