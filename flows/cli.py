"""The ``disclose`` command: parses arguments, calls flows or stages, prints results. No logic lives here."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from flows.config import ConfigError, Settings, load_settings
from flows.reference.cli import app as reference_app

console = Console(soft_wrap=True)
err = Console(stderr=True)
_debug = False


class _OneLineErrors(TyperGroup):
    """Every error a command meets ends in one line on stderr and exit status 1, never a traceback (unless
    ``--debug``): expected problems in their own words, anything else named as unexpected."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            if _debug:
                raise
            err.print(f"[red]{_one_line(exc)}[/red]", soft_wrap=True, markup=True, highlight=False)
            raise typer.Exit(1) from None


def _one_line(exc: BaseException) -> str:
    from flows.runs.reason import expected

    text = escape(str(exc).strip() or type(exc).__name__)  # rich markup: shown as written
    if expected(exc):
        return text
    return f"unexpected error ({type(exc).__name__}): {text} (run `disclose --debug ...` for the traceback)"


app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, cls=_OneLineErrors)
app.add_typer(reference_app, name="reference")


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="show tracebacks and Prefect's own log on the console")
    ] = False,
) -> None:
    global _debug
    _debug = debug


ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="disclose.toml to use", exists=True, dir_okay=False)
]
HomeOpt = Annotated[
    Path | None, typer.Option("--home", help="data home (landing/, raw/, warehouse/, published/)")
]


def _settings(config: Path | None, home: Path | None, **extra: object) -> Settings:
    try:
        return load_settings(config, home=home, **extra)
    except ConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]{message}[/red]", soft_wrap=True)  # a path or a field name is never split across lines
    raise typer.Exit(code)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="folder to write extracts to (e.g. a landing folder)")],
    seed: Annotated[int, typer.Option(help="random seed: the same seed gives the same files")] = 1,
    scale: Annotated[str, typer.Option(help="tiny | force | national")] = "tiny",
    fmt: Annotated[str, typer.Option("--format", help="csv | parquet")] = "csv",
) -> None:
    """Write realistic synthetic custody and crime extracts (never real people)."""
    from flows.generate import generate as run

    if scale not in {"tiny", "force", "national"} or fmt not in {"csv", "parquet"}:
        _fail("--scale must be tiny, force or national and --format csv or parquet", 2)
    summary = run(seed=seed, scale=scale, out=out, fmt=fmt)  # type: ignore[arg-type]
    console.print(f"wrote {len(summary.files)} files to {out}")


@app.command()
def nightly(
    config: ConfigOpt = None,
    home: HomeOpt = None,
    plain: Annotated[bool, typer.Option(help="run the stages without Prefect")] = False,
) -> None:
    """Ingest landed extracts, rebuild the warehouse, validate, and draft the standing datasets that are due."""
    _settings(config, home)  # fail early, with a clear message, on bad configuration
    _print_run(_run("nightly", plain, config=_str(config), home=_str(home)))


@app.command()
def request(
    spec: Annotated[Path, typer.Argument(help="request spec (YAML)")],
    config: ConfigOpt = None,
    home: HomeOpt = None,
    plain: Annotated[bool, typer.Option(help="run the stages without Prefect")] = False,
    in_process: Annotated[
        bool, typer.Option("--in-process", help="answer here even if `disclose serve` runs for the home")
    ] = False,
) -> None:
    """Answer an FOI request spec with a draft response (approve and publish it next): through the home's
    warm service if `disclose serve` runs, else in this process."""
    settings = _settings(config, home)
    if not (_debug or in_process):  # --debug: here, where the traceback is
        from flows.warm.client import NoService, ask

        with _progress("request"):
            found = ask(
                settings,
                str(spec),
                plain=plain,
                config=_str(config),
                home=_str(home),
                on_accepted=lambda pid: console.print(f"request: answered by the warm service (pid {pid})"),
                on_stage=_stage,
            )
        if not isinstance(found, NoService):
            return _print_run(found)
    from flows.release.source import request_path
    from flows.requests.spec import regular_file
    from flows.validate.gx_process import warm_up_in_background

    regular_file(request_path(settings, spec))  # before Prefect starts: a FIFO would hang
    if not (_debug or in_process):
        console.print(f"request: answered in this process ({found.reason})", markup=False)
    warm_up_in_background()  # GX's seconds of importing start now, in their own process
    _print_run(_run("request", plain, spec=str(spec), config=_str(config), home=_str(home)))


def _stage(name: str) -> None:
    from flows.runs import progress

    progress.stage(name)  # the warm service's stage, on this terminal's progress line


@app.command()
def serve(
    config: ConfigOpt = None,
    home: HomeOpt = None,
    plain: Annotated[
        bool, typer.Option(help="load no Prefect at start (for requests run with --plain)")
    ] = False,
) -> None:
    """Answer `disclose request` for this home from one resident process: imports, GX and Prefect are loaded
    once, so a request costs its own work (runs until Ctrl-C or SIGTERM)."""
    from flows.warm.service import serve as run

    run(_settings(config, home), prefect=not plain, log=lambda line: console.print(line, markup=False))


@app.command()
def check(
    spec: Annotated[Path, typer.Argument(help="request spec (YAML) to check without running it")],
    config: ConfigOpt = None,
    home: HomeOpt = None,
) -> None:
    """Validate a request spec and show how it was read (due date, parts): its fields, and every offence code
    and selection against the reference data (the home's warehouse if it has one, else the committed files),
    without counting anything."""
    from flows.requests.check import check_spec
    from flows.requests.errors import SpecError

    try:
        result = check_spec(spec, _settings(config, home))
    except SpecError as exc:
        _fail(str(exc), 2)
    if result.problems:
        err.print(str(SpecError(result.problems, spec)), markup=False, soft_wrap=True)
        _fail(f"offences checked against {result.against}", 2)
    loaded = result.spec
    console.print(
        f"{spec}: valid (sha256 {result.sha256[:12]}); reference {loaded.reference}, "
        f"due {loaded.due:%d %B %Y}",
        markup=False,
    )
    console.print(f"  offences checked against {result.against}", markup=False)
    for part in loaded.parts:
        console.print(f"  part {part.id}: {part.response}: {part.question}", markup=False)
    if result.later:
        console.print(
            f"  checked against the warehouse when answered: categories of {', '.join(result.later)}",
            markup=False,
        )


@app.command()
def schema(config: ConfigOpt = None) -> None:
    """Write the request spec JSON Schemas (data/requests/schema.json and standing/schema.json)."""
    from flows.requests.schema import export_schemas

    for path in export_schemas(_settings(config, None).requests_dir):
        console.print(f"wrote {path}")


@app.command()
def audit(
    paths: Annotated[list[Path], typer.Argument(help="release folders or files to check")],
    threshold: Annotated[int | None, typer.Option(help="k; default from each manifest")] = None,
    cumulative: Annotated[
        bool,
        typer.Option(help="also audit every release in the publication record together (the home's record/)"),
    ] = False,
    config: ConfigOpt = None,
    home: HomeOpt = None,
) -> None:
    """Re-read published files and refuse anything unsafe: the publish guard (small numbers, formulas, hidden
    content, metadata), then the independent disclosure audit of every release folder (can a withheld figure
    be worked out from the published ones?) and, with --cumulative, of all releases together."""
    from flows.publish.guard import main, release_folders
    from flows.sdc_audit import audit_release_folder

    status = main(paths, threshold)
    if cumulative:
        from flows.release.record import audit_record

        result = audit_record(_settings(config, home))
        for problem in result.problems:
            console.print(f"publication record: {problem}", markup=False)
        console.print(f"publication record (all releases together): {result.summary()}", markup=False)
        status = status or (0 if result.passed else 1)
    for folder in release_folders(paths):
        result = audit_release_folder(folder)
        for problem in result.problems:
            console.print(f"{folder}: {problem}", markup=False)
        console.print(f"{folder}: disclosure {result.summary()}", markup=False)
        status = status or (0 if result.passed else 1)
    raise typer.Exit(status)


@app.command()
def drafts(config: ConfigOpt = None, home: HomeOpt = None) -> None:
    """List every draft release and where it stands (awaiting approval, approved, published, withdrawn)."""
    from rich.table import Table

    from flows.release.listing import draft_lines, interrupted

    settings = _settings(config, home)
    lines = draft_lines(settings)
    table = Table()
    for name in ("release", "kind", "state", "drafted", "by", "approved by"):
        table.add_column(name, no_wrap=True)
    table.add_column("title")
    for line in lines:
        table.add_row(
            line.release_id, line.kind, line.state, line.created, line.ran_by, line.approved_by, line.title
        )
    console.print(table if lines else f"no drafts in {settings.drafts_dir}")
    for warning in interrupted(settings):
        console.print(f"[yellow]{warning}[/yellow]")


ReleaseArg = Annotated[
    str, typer.Argument(help="a reference (its latest draft or version) or <reference>/v<N>")
]


@app.command()
def approve(
    release: ReleaseArg,
    by: Annotated[str, typer.Option("--by", help="the person approving (named in the record)")],
    note: Annotated[str | None, typer.Option(help="why, or what was checked")] = None,
    public_text: Annotated[
        Path | None,
        typer.Option(
            "--public-text",
            help="the request as it may be published (no requester, no third party); "
            "default: the draft's public-request-text.txt",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    config: ConfigOpt = None,
    home: HomeOpt = None,
) -> None:
    """Sign a draft off for publication (a second person, unless disclose.toml says otherwise)."""
    from flows.release.approve import approve as run

    _lifecycle(lambda settings: run(settings, release, by, note, public_text), config, home)


@app.command()
def publish(release: ReleaseArg, config: ConfigOpt = None, home: HomeOpt = None) -> None:
    """Publish an approved draft: check it with everything already published, put its files in place, record
    it and regenerate the disclosure log, as one recoverable step."""
    from flows.release.publish import publish as run

    _lifecycle(lambda settings: run(settings, release), config, home)


@app.command()
def withdraw(
    release: ReleaseArg,
    reason: Annotated[str, typer.Option(help="why (kept as an incident entry in the record)")],
    by: Annotated[str | None, typer.Option(help="who is withdrawing it (default: this user)")] = None,
    config: ConfigOpt = None,
    home: HomeOpt = None,
) -> None:
    """Take a published release down. Its figures stay in every later disclosure check, because what was
    published cannot be unpublished."""
    from flows.release.withdraw import withdraw as run

    _lifecycle(lambda settings: run(settings, release, reason, by), config, home)


@app.command()
def site(config: ConfigOpt = None, home: HomeOpt = None) -> None:
    """Rebuild the transparency site (<home>/site/) from the publication record: publish and withdraw do
    this themselves; run it after changing the site templates."""
    from flows.errors import DiscloseError
    from flows.site.build import rebuild

    try:
        result = rebuild(_settings(config, home))
    except DiscloseError as exc:
        _fail(str(exc))
    console.print(f"site: {result.report}", markup=False)


def _lifecycle(step, config: Path | None, home: Path | None) -> None:
    from flows.contracts.release import ReleaseIdError
    from flows.errors import DiscloseError

    try:
        result = step(_settings(config, home))
    except (DiscloseError, ReleaseIdError) as exc:
        _fail(str(exc))
    console.print(
        f"{result.status} {result.release_id}: {result.path}"
        + (f" ({result.message})" if result.message else ""),
        markup=False,
    )


@app.command()
def quarantine(
    config: ConfigOpt = None,
    home: HomeOpt = None,
    limit: Annotated[int, typer.Option(help="rows to list")] = 50,
) -> None:
    """List what ingest held back, and why (file, row, column; never the values)."""
    from flows.ingest.report import quarantine_summary

    settings = _settings(config, home)
    console.print(quarantine_summary(settings, limit))


@app.command()
def status(
    config: ConfigOpt = None,
    home: HomeOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="the same, as JSON, for machines")] = False,
    runs: Annotated[int, typer.Option(help="recent runs to show")] = 8,
) -> None:
    """Recent runs, how fresh the warehouse is, drafts awaiting approval and what is quarantined."""
    import json

    from flows.runs.status import gather

    found = gather(_settings(config, home), runs)
    if as_json:
        print(json.dumps(found.to_json(), indent=2, default=str))
        return
    from flows.runs.status_view import render

    console.print(render(found))


@app.command()
def unrecognised_codes(
    config: ConfigOpt = None,
    home: HomeOpt = None,
    limit: Annotated[int, typer.Option(help="codes to list")] = 100,
) -> None:
    """List the offence codes ingest loaded that the reference data does not know (local or newer codes, counted
    as 'Unrecognised offence code'), with how many rows and files carried each; codes and counts only."""
    from flows.ingest.report import unrecognised_codes_summary

    console.print(unrecognised_codes_summary(_settings(config, home), limit))


@app.command()
def manifest(
    config: ConfigOpt = None,
    home: HomeOpt = None,
    limit: Annotated[int, typer.Option(help="deliveries to list")] = 50,
) -> None:
    """Every file ever delivered: sha256, size, rows, source, status and why."""
    from flows.ingest.report import manifest_summary

    console.print(manifest_summary(_settings(config, home), limit))


@app.command()
def rebuild(
    config: ConfigOpt = None,
    home: HomeOpt = None,
    check_only: Annotated[
        bool, typer.Option(help="rebuild aside and compare; keep the live warehouse")
    ] = False,
    allow_reference_change: Annotated[bool, typer.Option(help="replay with today's reference data")] = False,
) -> None:
    """Recreate the warehouse from the raw archive alone and prove every table identical (by content hash)."""
    from flows.ingest.rebuild import RebuildRefused
    from flows.ingest.rebuild import rebuild as run

    try:
        report = run(
            _settings(config, home), check_only=check_only, allow_reference_change=allow_reference_change
        )
    except RebuildRefused as exc:
        _fail(str(exc), 2)
    for line in report.lines():
        console.print(line)
    raise typer.Exit(0 if report.identical else 1)


@app.command()
def purge(
    config: ConfigOpt = None,
    home: HomeOpt = None,
    older_than: Annotated[
        str | None, typer.Option(help="purge archived files received before YYYY-MM-DD")
    ] = None,
    retention_days: Annotated[int | None, typer.Option(help="purge files older than this many days")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="really delete (default: a dry run)")] = False,
) -> None:
    """Delete archived extracts past retention, saying what a rebuild could no longer reproduce."""
    from datetime import datetime, timedelta

    from flows.ingest.purge import purge as run

    settings = _settings(config, home)
    days = retention_days or settings.raw_retention_days
    if older_than:
        cutoff = datetime.fromisoformat(older_than)
    elif days:
        cutoff = datetime.now() - timedelta(days=days)
    else:
        _fail("give --older-than or --retention-days (or set raw_retention_days in disclose.toml)", 2)
    for line in run(settings, older_than=cutoff, dry_run=not yes).lines():
        console.print(line)


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="seed for the synthetic sample")] = 1,
    plain: Annotated[bool, typer.Option(help="run the stages without Prefect")] = False,
) -> None:
    """Run everything on synthetic data in data/demo/: generate, nightly, the two seed requests, then approve
    (as "demo") and publish every draft."""
    from flows.demo import DEMO_REQUESTS, demo_settings, demo_sign_off
    from flows.ingest import landed_files

    settings = demo_settings()
    if not landed_files(settings.landing_dir) and not settings.warehouse_path.exists():
        from flows.generate import generate as run

        summary = run(seed=seed, scale="tiny", out=settings.landing_dir)
        console.print(f"generated {len(summary.files)} synthetic extract files in {settings.landing_dir}")
    runs = [
        ("nightly", {}),
        *(("request", {"spec": str(settings.requests_dir / name)}) for name in DEMO_REQUESTS),
    ]
    results, signed = [], []
    for kind, params in runs:  # each draft is signed off before the next is made, so each is protected with
        results.append(_run(kind, plain, demo=True, **params))  # everything published before it
        signed += demo_sign_off(settings, results[-1].releases)
    console.rule("synthetic demonstration data: outputs")
    for result in results:
        _print_run(result)
    console.rule("approved and published as 'demo'")
    for line in signed:
        console.print(line, markup=False)
    console.print(f"disclosure log: {settings.published_dir / 'disclosure-log.csv'}")
    console.print(f"warehouse:      {settings.warehouse_path}")
    from flows.site.build import rebuild

    console.print(f"site:           {rebuild(settings).index}")


def _str(path: Path | None) -> str | None:
    return str(path) if path else None


def _run(kind: str, plain: bool, **params: object):
    """Run the nightly or request pipeline, through Prefect (embedded server unless PREFECT_API_URL) or plainly.
    An error ends in one line (see _OneLineErrors), whichever way it ran."""
    with _progress(kind):
        return _run_now(kind, plain, **params)


def _run_now(kind: str, plain: bool, **params: object):
    from flows.sdc.protect import ProtectionRefused

    try:
        if plain:
            from flows import pipeline
            from flows.demo import settings_for

            settings = settings_for(params.get("config"), params.get("home"), bool(params.get("demo")))
            if kind == "nightly":
                return pipeline.run_nightly(settings)
            return pipeline.run_request(settings, str(params["spec"]))
        from flows.runtime import quiet_prefect, tie_embedded_server

        quiet_prefect(console_log=_debug)
        tie_embedded_server()
        if kind == "nightly":
            from flows.nightly import nightly as flow
        else:
            from flows.request import request as flow
        return flow(**params)
    except ProtectionRefused as exc:
        _fail(str(exc))


@contextmanager
def _progress(kind: str):
    """On a terminal, one status line naming the stage the run is in (runs take seconds to minutes)."""
    if not console.is_terminal:
        yield
        return
    from flows.runs import progress

    with (
        console.status(f"{kind}: starting", spinner="line") as line,
        progress.listening(lambda stage: line.update(f"{kind}: {stage}")),
    ):
        yield


def _print_run(result: object) -> None:
    for line in result.summary_lines():  # type: ignore[attr-defined]
        console.print(line)


def main() -> None:  # pragma: no cover - console entry point
    app(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    app()
