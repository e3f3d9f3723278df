"""A data home of real releases for the site tests: each one drafted, approved and published through the
release package (flows/release: write_draft, approve, publish), so the site is built from exactly what real
publishes leave. FOI responses vary by reference, offence, topic, exemptions and date; standing datasets
have monthly period releases under a standing spec of their own (so the site knows their calendar).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from test_publish_helpers import K, hand_protected, make_context

from flows.config import PROJECT_ROOT, Settings, load_settings
from flows.contracts.letter import PartAnswer
from flows.contracts.tidy import Dimension, Measure, TidyTable
from flows.publish.context import Exemption, FoiRequest
from flows.release.approve import approve
from flows.release.draft import write_draft
from flows.release.publish import publish
from flows.release.withdraw import withdraw

OFFENCES = ("Robbery", "Burglary", "Arson", "Fraud", "Harassment")
TOPICS = ("Crime statistics", "Custody", "Operational policing")
EXEMPTIONS = ((), ("s.40(2)",), ("s.31(1)(a)",), ("s.40(2)", "s.30(1)"))
DATASETS = ("arrests-by-month-a", "arrests-by-month-b", "arrests-by-month-c")
START = date(2026, 1, 5)


@dataclass(frozen=True)
class Foi:
    reference: str
    offence: str
    topic: str
    exemptions: tuple[str, ...]
    published: date
    request_text: str


def foi_plan(n: int) -> list[Foi]:
    """``n`` FOI responses: the i-th asks about OFFENCES[i % 5], under TOPICS[i % 3] and EXEMPTIONS[i % 4]."""
    return [
        Foi(
            f"FOI-2026-{i:04d}",
            OFFENCES[i % len(OFFENCES)],
            TOPICS[i % len(TOPICS)],
            EXEMPTIONS[i % len(EXEMPTIONS)],
            START + timedelta(days=3 * i),
            f"Please tell me how many arrests for {OFFENCES[i % len(OFFENCES)].lower()} there were in 2025.",
        )
        for i in range(n)
    ]


def offence_table(offence: str, counts: tuple[int, int]) -> TidyTable:
    frame = pl.DataFrame(
        {
            "offence": [offence],
            "year": ["2025"],
            "arrests": [counts[0]],
            "arrests_flag": ["[c]" if 0 < counts[0] < K else ""],
        }
    )
    return TidyTable(
        name="arrests_by_offence",
        title=f"Arrests for {offence.lower()}, 2025",
        dimensions=(Dimension("offence", "Offence"), Dimension("year", "Year")),
        measures=(Measure("arrests", "Arrests (number)"),),
        frame=frame,
        notes=("Arrests are counted once, under the principal offence.",),
    )


def monthly_table(seed: int, months: int = 6) -> TidyTable:
    """Months x outcome; some counts small (withheld as [c]), so the chart has gaps."""
    labels = [f"2026-{m:02d}" for m in range(1, months + 1)]
    rows = [
        (p, o, (seed * 7 + i * 5 + j * 11) % 40)
        for i, p in enumerate(labels)
        for j, o in enumerate(("Charged", "Not charged"))
    ]
    frame = pl.DataFrame(
        {
            "period": [r[0] for r in rows],
            "outcome": [r[1] for r in rows],
            "arrests": [r[2] for r in rows],
            "arrests_flag": ["[c]" if 0 < r[2] < K else "" for r in rows],
        }
    )
    return TidyTable(
        name="arrests_by_month",
        title="Arrests by month and outcome",
        dimensions=(Dimension("period", "Period"), Dimension("outcome", "Outcome")),
        measures=(Measure("arrests", "Arrests (number)"),),
        frame=frame,
    )


def new_home(root: Path) -> Settings:
    """An empty home whose requests folder holds one monthly standing spec per dataset in DATASETS."""
    requests = root / "requests"
    (requests / "standing").mkdir(parents=True)
    source = (
        PROJECT_ROOT / "data" / "requests" / "standing" / "arrests-by-month-further-action.yaml"
    ).read_text()
    for name in DATASETS:
        text = source.replace("reference: arrests-by-month-further-action", f"reference: {name}")
        (requests / "standing" / f"{name}.yaml").write_text(
            text.replace("title: Arrests by month", f"title: {name[-1].upper()} arrests by month")
        )
    return load_settings(
        home=root / "home", requests_dir=requests, operator="analyst", organisation="Test Constabulary"
    )


def publish_foi(settings: Settings, foi: Foi, public_text: Path | None = None, version_counts=(9, 12)):
    request = FoiRequest(
        request_text=foi.request_text,
        date_received=foi.published - timedelta(days=20),
        parts=[
            PartAnswer(
                id="1",
                question=f"Arrests for {foi.offence.lower()}",
                response="data",
                table="arrests_by_offence",
                table_title=f"Arrests for {foi.offence.lower()}, 2025",
            )
        ],
        outcome="Partially disclosed" if foi.exemptions else "Disclosed in full",
        exemptions=[Exemption(section=s) for s in foi.exemptions],
    )
    tables = [offence_table(foi.offence, version_counts)]
    context = make_context(
        reference=foi.reference,
        title=f"Arrests for {foi.offence.lower()}, 2025",
        category=foi.topic,
        request=request,
        published=foi.published,
    )
    drafted = write_draft(settings, tables, context, hand_protected(tables), "foi")
    approve(settings, drafted.release_id, by="Second Officer", public_text=public_text)
    return publish(settings, drafted.release_id, today=foi.published)


def publish_period(settings: Settings, dataset: str, month: int, seed: int):
    tables = [monthly_table(seed, month)]
    day = date(2026, month + 2, 14) if month <= 10 else date(2027, month - 10, 14)
    context = make_context(
        reference=f"{dataset}.2026-{month:02d}",
        title=f"{dataset} 2026-{month:02d}",
        category="Transparency data",
        request=None,
        published=day,
        next_update="next month",
    )
    drafted = write_draft(settings, tables, context, hand_protected(tables), "standing")
    approve(settings, drafted.release_id, by="Second Officer")
    return publish(settings, drafted.release_id, today=day)


def build_home(
    root: Path, n_foi: int, periods: int = 2, withdrawn: tuple[int, ...] = ()
) -> tuple[Settings, list[Foi]]:
    """A home with ``n_foi`` FOI responses, ``periods`` releases of each standing dataset, and the FOI responses
    at the indexes ``withdrawn`` withdrawn."""
    settings = new_home(root)
    plan = foi_plan(n_foi)
    for foi in plan:
        publish_foi(settings, foi)
    for d, name in enumerate(DATASETS):
        for month in range(2, 2 + periods):
            publish_period(settings, name, month, seed=d + month)
    for i in withdrawn:
        withdraw(settings, plan[i].reference, reason="a wrong figure", by="Second Officer")
    return settings, plan


def copy_home(settings: Settings, root: Path) -> Settings:
    """A copy of a built home (symbolic links kept) to change without touching the original."""
    target = root / "copy"
    shutil.copytree(settings.home, target / "home", symlinks=True)
    shutil.copytree(settings.requests_dir, target / "requests")
    return load_settings(
        home=target / "home",
        requests_dir=target / "requests",
        operator="analyst",
        organisation="Test Constabulary",
    )
