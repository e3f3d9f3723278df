"""What the site shows, read from the publication record's event log and the published folders.

One :class:`SiteRelease` per reference (the disclosure log's rows, :func:`flows.release.public_log.log_rows`):
its latest version's public entry (the request text as approved, never the requester), every version's state,
and, unless it was withdrawn, its tables and downloads. A withdrawn release keeps only its notice. Standing
datasets group their period releases (``<dataset>.<period>``) under the dataset's spec and calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flows.config import Settings
from flows.contracts.manifest import MANIFEST_NAME, read_manifest
from flows.publish.log import LogEntry, LogRow, VersionState
from flows.release.public_log import log_rows
from flows.release.record import read_events
from flows.site.tables import SiteTable, read_tables


@dataclass(frozen=True)
class SiteRelease:
    entry: LogEntry  # the latest version's public entry
    status: str  # 'current' or 'withdrawn'
    versions: tuple[VersionState, ...]
    folder: Path | None  # published/<reference>/v<N>/ of the current version; None once withdrawn
    tables: tuple[SiteTable, ...]
    dataset: str | None  # the standing dataset this period release belongs to

    @property
    def reference(self) -> str:
        return self.entry.reference

    @property
    def withdrawn_on(self) -> date | None:
        return self.versions[-1].status_date if self.status == "withdrawn" else None

    @property
    def slug(self) -> str:
        return self.entry.reference


@dataclass(frozen=True)
class Dataset:
    reference: str
    title: str
    description: str
    frequency: str
    next_update: str | None  # e.g. "12 January 2027 (covering 2026-11)"
    releases: tuple[SiteRelease, ...]  # its periods, oldest first, withdrawn ones as notices


@dataclass(frozen=True)
class SiteData:
    organisation: str
    synthetic: bool
    releases: tuple[SiteRelease, ...]  # newest first
    datasets: tuple[Dataset, ...]
    built_on: date

    @property
    def current(self) -> list[SiteRelease]:
        return [r for r in self.releases if r.status == "current"]

    @property
    def withdrawn(self) -> list[SiteRelease]:
        return [r for r in self.releases if r.status == "withdrawn"]


def load_site(settings: Settings, today: date | None = None) -> SiteData:
    today = today or date.today()
    specs = _standing_specs(settings)
    releases = [_release(settings, row, specs) for row in log_rows(read_events(settings), None)]
    releases.sort(key=lambda r: (r.entry.date_published, r.reference), reverse=True)
    datasets = []
    for name, spec in sorted(specs.items()):
        periods = sorted((r for r in releases if r.dataset == name), key=lambda r: r.reference)
        if periods:
            datasets.append(_dataset(name, spec, periods, today))
    return SiteData(settings.organisation, settings.synthetic, tuple(releases), tuple(datasets), today)


def _release(settings: Settings, row: LogRow, specs: dict) -> SiteRelease:
    reference = row.entry.reference
    dataset = next((name for name in specs if reference.startswith(f"{name}.")), None)
    if row.status == "withdrawn":
        return SiteRelease(row.entry, row.status, tuple(row.versions), None, (), dataset)
    folder = settings.published_dir / reference / f"v{row.entry.version}"
    tables: list[SiteTable] = []
    if (folder / MANIFEST_NAME).is_file():
        manifest = read_manifest(folder)
        # a public table's counts are published already (data.police.uk), small ones too: the guard knows
        tables = read_tables(folder, {t.name: _roles(t) for t in manifest.tables})
    return SiteRelease(row.entry, row.status, tuple(row.versions), folder, tuple(tables), dataset)


def _standing_specs(settings: Settings) -> dict:
    from flows.requests.spec import load_standing

    folder = settings.requests_dir / "standing"
    specs = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        spec, _ = load_standing(path)
        specs[spec.reference] = spec
    return specs


def _dataset(name: str, spec, periods: list[SiteRelease], today: date) -> Dataset:
    from flows.requests.calendar import next_release

    when, upcoming = next_release(spec.calendar, today)
    return Dataset(
        name,
        spec.title,
        spec.description or spec.title,
        spec.calendar.frequency,
        f"{when:%d %B %Y} (covering {upcoming.key})",
        tuple(periods),
    )


def _roles(table) -> dict[str, str]:
    """Measure -> role as the publish guard reads it: a public table's counts are 'public count'."""
    return {
        m: "public count" if table.public_source and r == "count" else r for m, r in table.measures.items()
    }
