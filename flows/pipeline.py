"""The nightly run and a request run as plain sequences of stages.

Each stage is one call to a stage module; ``step`` decides how a stage runs: called directly (tests, plain
runs) or as a Prefect task (flows/nightly.py, flows/request.py wrap each stage so the UI shows them).
Stages open the warehouse themselves, so nothing unpicklable passes between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flows.config import Settings
from flows.ingest import IngestReport, ingest_landing
from flows.reference.load import load_reference
from flows.warehouse import build_layers_if_changed, connect

Step = Callable[..., Any]


def direct(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


class PipelineFailed(RuntimeError):
    """A stage found a problem that must stop publication; the message says which and why."""


@dataclass
class RunResult:
    run_id: str
    ingest: IngestReport | None = None
    validations: list = field(default_factory=list)
    releases: list = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = []
        if self.ingest is not None:
            lines += [o.line() for o in self.ingest.outcomes] or ["no new extracts in the landing folder"]
        for v in self.validations:
            lines.append(f"validated {v.suite}: {'passed' if v.success else 'warnings'}")
            lines += [f"  warning: {w}" for w in v.warnings]
        for r in self.releases:
            lines.append(f"{r.status} {r.release_id}: {r.path}")
            lines += [f"  {r.path / name}" for name in r.files]
        return lines


def new_run_id(kind: str) -> str:
    return f"{kind}-{datetime.now():%Y%m%dT%H%M%S%f}"


def stage_ingest(settings: Settings) -> IngestReport:
    """Load the reference data and every landed file; fail loudly if any file was rejected."""
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        report = ingest_landing(con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir,
                                max_share=settings.quarantine_limits, profiles_dir=settings.profiles_dir,
                                reference_dir=settings.reference_dir)
    return report


def stage_transform(settings: Settings) -> list[str]:
    """Rebuild core and marts from staging with the SQL in sql/ (layer order), unless nothing they are built
    from changed since the last build."""
    with connect(settings) as con:
        return build_layers_if_changed(con, settings.sql_dir)


def stage_validate(settings: Settings, suites: tuple[str, ...], run_id: str) -> list:
    """Run each GX suite once; a failed critical expectation stops the run before publication."""
    from flows.validate import validate_suite
    from flows.validate.gx_loader import warm_up_in_background

    warm_up_in_background()  # GX's import overlaps the first suite's DuckDB query
    with connect(settings) as con:
        reports = [
            validate_suite(con, suite, params=suite_settings(settings, suite),
                           expectations_dir=settings.expectations_dir, sql_dir=settings.sql_dir, run_id=run_id)
            for suite in suites
        ]
    failures = [f"{r.suite}: {msg}" for r in reports if r.blocks_publication for msg in r.critical_failures]
    if failures:
        raise PipelineFailed("validation failed, nothing published: " + "; ".join(failures))
    return reports


def suite_settings(settings: Settings, suite: str) -> dict | None:
    """The parameters a suite takes from disclose.toml rather than its own defaults."""
    if suite in ("staging.custody_offences", "staging.crimes"):
        return {"unrecognised_max_share": settings.unrecognised_code_warn_share}
    return None


def check_ingest(report: IngestReport) -> None:
    if report.rejected:
        lines = "; ".join(o.line() for o in report.rejected)
        raise PipelineFailed(f"{len(report.rejected)} file(s) rejected, nothing published: {lines}")


def request_path(settings: Settings, spec: str | Path) -> Path:
    """A spec named without a folder is looked up in the configured requests folder."""
    path = Path(spec)
    if not path.exists() and not path.is_absolute() and (settings.requests_dir / path).exists():
        return settings.requests_dir / path
    return path


NIGHTLY_SUITES = (
    "ingest_reconciliation", "ingest_reconciliation.police_uk", "staging.custody_offences", "staging.crimes",
    "staging.police_uk_street_crimes", "staging.police_uk_outcomes", "staging.police_uk_stop_searches",
    "staging.police_uk_neighbourhood_counts", "marts.arrests_by_offence_group_year_outcome",
)


def stage_standing(settings: Settings) -> list[Any]:
    """Issue every standing dataset whose calendar has a period due (flows/standing.py)."""
    from flows.protection import protect_release
    from flows.standing import stage_standing_releases

    return stage_standing_releases(settings, protect_release)


def run_nightly(settings: Settings, step: Step = direct) -> RunResult:
    from flows.validate.gx_loader import warm_up_in_background

    warm_up_in_background()  # GX imports in its own process while landed files are ingested
    result = RunResult(new_run_id("nightly"))
    result.ingest = step("ingest", stage_ingest, settings)
    check_ingest(result.ingest)
    step("transform", stage_transform, settings)
    result.validations = step("validate", stage_validate, settings, NIGHTLY_SUITES, result.run_id)
    result.releases += step("standing releases", stage_standing, settings)
    return result


def stage_answer_request(settings: Settings, spec_file: str) -> Any:
    """Load and check the spec, count each data part, suppress, and publish the draft response pack."""
    from flows.protection import protect_release
    from flows.release_inputs import publish_tables
    from flows.requests.answer import answer_request_planned
    from flows.requests.letter_facts import letter_facts
    from flows.requests.populations import populations_for
    from flows.requests.spec import SpecError, load_spec
    from flows.validate.gx_loader import warm_up_in_background

    path = request_path(settings, spec_file)
    warm_up_in_background()  # the output suite needs GX: its process imports it while the parts are counted
    spec, spec_sha = load_spec(path)
    with connect(settings, read_only=True) as con:
        try:
            answered = answer_request_planned(con, spec, settings.sql_dir, margins=True, k=settings.threshold)
        except SpecError as exc:
            raise exc.in_file(path) from None
        tables = [table for _, table in answered]
        protected = protect_release(tables, settings, populations=populations_for(con, answered),
                                    reference=spec.reference)
        tables = protected.tables
        return publish_tables(settings, con, tables, reference=spec.reference, title=spec.title, request=spec,
                              facts=letter_facts(spec, tables), spec_sha256=spec_sha, spec_path=str(path),
                              protected=protected)


def run_request(settings: Settings, spec_file: str, step: Step = direct) -> RunResult:
    result = RunResult(new_run_id("request"))
    result.releases.append(step("answer", stage_answer_request, settings, str(spec_file)))
    return result
