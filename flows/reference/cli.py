"""Rebuild the committed code lists from their public sources, and report on their coverage and changes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console(soft_wrap=True)
err = Console(stderr=True)


@app.command()
def build(
    source: Annotated[
        Path,
        typer.Option(help="the shared reference folder (cjs_offence_codes/, ho_offence_classification/)"),
    ],
    out: Annotated[
        Path | None, typer.Option(help="reference folder to write (default data/reference)")
    ] = None,
) -> None:
    """Rebuild offences.csv, offence_standing_data.csv, offence_selections.csv, ho_offence_codes.csv, sources.csv."""
    from flows.reference.build import REFERENCE_DIR
    from flows.reference.build import build as run

    try:
        result = run(source, out or REFERENCE_DIR)
    except (ValueError, OSError) as exc:  # BuildError, RuleError, StandingDataError name the file and row
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"{result.codes} CJS codes ({result.unclassified} unclassified), {result.selections} selection rows, "
        f"{result.ho_codes} Home Office codes; wrote {', '.join(p.name for p in result.written)}. "
        "Bump data/reference/VERSION if they changed."
    )


@app.command()
def report(
    against: Annotated[
        str | None, typer.Option(help="a git revision or a folder holding another version to compare with")
    ] = None,
    examples: Annotated[int, typer.Option(help="unclassified codes and changes to list")] = 20,
) -> None:
    """Coverage of the grouping rules; with --against, what changed between two reference versions."""
    from flows.reference import report as rep

    try:
        now = rep.current()
        cov = rep.coverage(now)
        change = rep.diff(rep.other_version(against), now) if against else None
    except (ValueError, OSError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    _coverage(cov, now.version, examples)
    if change is not None:
        _diff(change, examples)


def _coverage(cov, version: str, examples: int) -> None:
    rules = Table(title=f"Grouping rules ({cov.codes} codes, reference {version})")
    for col in ("rule", "tier", "group", "codes", "variant codes"):
        rules.add_column(col, justify="right" if col.endswith("codes") else "left")
    for r in cov.rules:
        rules.add_row(r.rule_id, r.tier, r.group, str(r.direct), str(r.variants))
    console.print(rules)
    groups = Table(title="Codes per offence group")
    for col in ("code", "group", "notifiable", "codes"):
        groups.add_column(col, justify="right" if col == "codes" else "left")
    for code, name, notifiable, n in cov.groups:
        groups.add_row(code, name, notifiable or "-", str(n))
    console.print(groups)
    share = len(cov.unclassified) / cov.codes if cov.codes else 0
    console.print(f"Unclassified (NCL): {len(cov.unclassified)} of {cov.codes} codes ({share:.2%})")
    for code, title in cov.unclassified[:examples]:
        console.print(f"  {code}  {title}")
    if cov.unused_rules:
        console.print(f"[yellow]Rules that group no code: {', '.join(cov.unused_rules)}[/yellow]")


def _diff(d, examples: int) -> None:
    console.print(f"\nChanges from {d.before} to {d.after}:")
    for label, items in (("added", d.added), ("removed", d.removed)):
        console.print(f"  codes {label}: {len(items)}")
        for code, title in items[:examples]:
            console.print(f"    {code}  {title}")
    for label, changes in (("retitled", d.retitled), ("regrouped", d.regrouped)):
        console.print(f"  codes {label}: {len(changes)}")
        for c in changes[:examples]:
            console.print(f"    {c.code}  {c.before} -> {c.after}")
    for label, pairs in (("added to", d.selections_added), ("removed from", d.selections_removed)):
        console.print(f"  selection rows {label}: {len(pairs)}")
        for selection, code in pairs[:examples]:
            console.print(f"    {selection}: {code}")
