"""A publication record of many releases, made cheaply for the site benchmark (bench/site.py).

Each release is written by the product's own writers into ``published/<reference>/v1/`` (the CSV copy with its
CSVW sidecar, then the manifest: flows/publish/csv_copy.py, manifest_write.py) and recorded by the record's
own writing code (begin_step, finish_publish: flows/release/record.py) with the log entry publication builds
(flows/publish/log.py build_entry), so the site reads exactly what a real publish leaves. What is skipped is
what the site never reads: the workbooks, the letters, the guard and the cumulative audit (so no cells are
recorded). Standing datasets get monthly period releases under a standing spec of their own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from flows.config import PROJECT_ROOT, Settings, load_settings
from flows.contracts.letter import PartAnswer
from flows.contracts.manifest import CodeVersion, DisclosurePolicy, WarehouseState
from flows.contracts.release import ReleaseId
from flows.contracts.tidy import Dimension, Measure, TidyTable
from flows.publish.context import Exemption, FoiRequest, ReleaseContext
from flows.publish.csv_copy import write_csv
from flows.publish.log import build_entry
from flows.publish.manifest_write import content_sha256, write_manifest
from flows.publish.release import prepare_grids
from flows.release.public_log import refresh_public_log
from flows.release.record import begin_step, finish_publish

K = 5
ORGANISATION = "Bench Constabulary"
OFFENCES = ("Robbery", "Burglary", "Arson", "Fraud", "Harassment", "Criminal damage", "Shoplifting")
TOPICS = ("Crime statistics", "Custody", "Operational policing")
EXEMPTIONS = ((), ("s.40(2)",), ("s.31(1)(a)",), ("s.40(2)", "s.30(1)"))
DATASETS = ("arrests-by-month-a", "arrests-by-month-b", "arrests-by-month-c")
START = date(2022, 1, 3)
STANDING_SPEC = PROJECT_ROOT / "data" / "requests" / "standing" / "arrests-by-month-further-action.yaml"


def new_home(root: Path, **overrides: object) -> Settings:
    """An empty home whose requests folder holds one monthly standing spec per dataset in DATASETS."""
    standing = root / "requests" / "standing"
    standing.mkdir(parents=True)
    source = STANDING_SPEC.read_text(encoding="utf-8")
    for name in DATASETS:
        text = source.replace("reference: arrests-by-month-further-action", f"reference: {name}")
        (standing / f"{name}.yaml").write_text(text, encoding="utf-8")
    return home_settings(root, **overrides)


def home_settings(root: Path, **overrides: object) -> Settings:
    """The settings of a home :func:`new_home` made under ``root``."""
    return load_settings(
        home=root / "home",
        requests_dir=root / "requests",
        operator="bench",
        organisation=ORGANISATION,
        **overrides,
    )


def make_record(settings: Settings, n: int, periods: int = 12) -> None:
    """``n`` releases: ``periods`` monthly periods of each standing dataset, the rest FOI responses."""
    for d, name in enumerate(DATASETS):
        for month in range(periods):
            add_period(settings, name, month, seed=d * 31 + month)
    for i in range(n - periods * len(DATASETS)):
        add_foi(settings, i)
    refresh_public_log(settings)


def add_foi(settings: Settings, i: int) -> str:
    """The i-th FOI response (``FOI-<year>-<i>``): one small table of arrests for an offence."""
    offence = OFFENCES[i % len(OFFENCES)]
    published = START + timedelta(days=i)
    request = FoiRequest(
        request_text=f"Please tell me how many arrests for {offence.lower()} there were in {published.year - 1}.",
        date_received=published - timedelta(days=20),
        parts=[
            PartAnswer(
                id="1",
                question=f"Arrests for {offence.lower()}",
                response="data",
                table="arrests_by_offence",
                table_title=f"Arrests for {offence.lower()}",
            )
        ],
        outcome="Partially disclosed" if EXEMPTIONS[i % 4] else "Disclosed in full",
        exemptions=[Exemption(section=s) for s in EXEMPTIONS[i % 4]],
    )
    frame = pl.DataFrame(
        {
            "offence": [offence] * 2,
            "year": [str(published.year - 2), str(published.year - 1)],
            "arrests": [K + i % 37, (i * 7) % 40],
            "arrests_flag": ["", "[c]" if 0 < (i * 7) % 40 < K else ""],
        }
    )
    table = TidyTable(
        name="arrests_by_offence",
        title=f"Arrests for {offence.lower()}",
        dimensions=(Dimension("offence", "Offence"), Dimension("year", "Year")),
        measures=(Measure("arrests", "Arrests (number)"),),
        frame=frame,
    )
    reference = f"FOI-{published.year}-{i:05d}"
    context = _context(reference, f"Arrests for {offence.lower()}", published, TOPICS[i % 3], request)
    return _publish(settings, table, context)


def add_period(settings: Settings, dataset: str, month: int, seed: int) -> str:
    """The ``month``-th period (from January 2022) of ``dataset``: arrests by month and outcome to date."""
    year, m = 2022 + month // 12, month % 12 + 1
    labels = [f"{2022 + j // 12}-{j % 12 + 1:02d}" for j in range(max(0, month - 11), month + 1)]
    rows = [
        (p, o, (seed * 7 + i * 5 + j * 11) % 40) for i, p in enumerate(labels) for j, o in enumerate("AB")
    ]
    frame = pl.DataFrame(
        {
            "period": [r[0] for r in rows],
            "outcome": ["Charged" if r[1] == "A" else "Not charged" for r in rows],
            "arrests": [r[2] for r in rows],
            "arrests_flag": ["[c]" if 0 < r[2] < K else "" for r in rows],
        }
    )
    table = TidyTable(
        name="arrests_by_month",
        title="Arrests by month and outcome",
        dimensions=(Dimension("period", "Period"), Dimension("outcome", "Outcome")),
        measures=(Measure("arrests", "Arrests (number)"),),
        frame=frame,
    )
    published = date(year + (m + 2 > 12), (m + 1) % 12 + 1, 14)
    context = _context(
        f"{dataset}.{year}-{m:02d}", f"{dataset} {year}-{m:02d}", published, "Transparency data"
    )
    return _publish(settings, table, context.model_copy(update={"next_update": "next month"}))


def _context(
    reference: str, title: str, published: date, category: str, request: FoiRequest | None = None
) -> ReleaseContext:
    return ReleaseContext(
        reference=reference,
        title=title,
        organisation=ORGANISATION,
        contact="Freedom of Information Unit",
        threshold=K,
        published=published,
        as_at=datetime.combine(published, datetime.min.time()),
        notes=[f"Counts from 1 to {K - 1} are withheld and shown as [c]."],
        category=category,
        request=request,
        reference_data_version="bench",
        reference_data_sha256="0" * 64,
        code=CodeVersion(package_version="bench", git_sha=None, git_dirty=None, lock_sha256=None),
        warehouse=WarehouseState(as_at=None, extracts=[], extract_set_sha256="0" * 64),
        policy=DisclosurePolicy(threshold=K, method="bench", policy="default", margins_published=True),
    )


def _publish(settings: Settings, table: TidyTable, context: ReleaseContext) -> str:
    """The release's files into published/<reference>/v1/, then its 'published' event in the record."""
    grids, context = prepare_grids([table], context)
    release_id = ReleaseId(context.reference, 1)
    folder = release_id.path_under(settings.published_dir)
    folder.mkdir(parents=True)
    for grid in grids:
        write_csv(folder, grid, context, context.published)
    manifest = write_manifest(folder, release_id, grids, context, content_sha256(grids, context))
    step = begin_step(
        settings,
        str(release_id),
        "publish",
        {"approved_by": "bench", "published_at": f"{context.published.isoformat()}T09:00:00"},
    )
    finish_publish(settings, step, [], build_entry(context, manifest).model_dump(mode="json"))
    return context.reference
