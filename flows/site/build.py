"""Building the site atomically: a new build is staged beside the live one, re-read by the site guard, and
swapped in whole by one rename.

``<home>/site`` is a symbolic link to the live build under ``<home>/.site-builds/``. A build renders every
file in memory, then writes into a fresh folder only the files whose bytes changed; an unchanged page or a
download is hard-linked (from the live build, or from ``published/``), so a rebuild costs the pages that
changed. The site guard re-reads the files written; an unchanged page it passed in the live build is not read
again when that build was guarded with the same threshold by the same guard code (a stamp beside each build
records both; pages name only files under ``published/``, which never change once there). If the guard finds
anything the staged build is removed and the live site stays as it was; otherwise a new link is made and
renamed over ``site`` (atomic on POSIX), and older builds are removed. Callers hold the release lock (publish
and withdraw already do; ``disclose site`` takes it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flows.config import Settings
from flows.errors import DiscloseError
from flows.site.model import SiteData, load_site
from flows.site.render import render_site

SITE_NAME = "site"
BUILDS = ".site-builds"


class SiteRefused(DiscloseError):
    """The site guard found something in a staged build; the live site was left as it was."""


@dataclass(frozen=True)
class SiteResult:
    path: Path  # <home>/site
    build: Path  # the build it now points at
    releases: int
    written: int  # pages and data files whose bytes changed (or every one, in a first build)
    linked: int  # pages and data files unchanged: hard-linked from the live build
    downloads: int  # release files, hard-linked from published/
    checked: int  # files the site guard read (the written ones, or all when the live build's stamp differs)
    base_url: str | None  # the site's address the feed and catalogue link from; None: relative links

    @property
    def index(self) -> Path:
        return self.path / "index.html"

    @property
    def report(self) -> str:
        """What ``disclose site`` prints: the index, what the build cost, and where the links point."""
        links = (
            f"feed and catalogue link from {self.base_url}"
            if self.base_url
            else "feed and catalogue links are relative: set [disclose.release] site_base_url so a "
            "harvester can follow them"
        )
        return (
            f"{self.index} ({self.releases} releases; {self.written} files written, {self.linked} unchanged, "
            f"{self.downloads} downloads linked; the guard read {self.checked}; {links})"
        )


def site_path(settings: Settings) -> Path:
    return settings.home / SITE_NAME


def build_site(settings: Settings, today: date | None = None) -> SiteResult:
    """Render the site from the record, stage it, guard it, swap it in. Raises :class:`SiteRefused`."""
    from flows.publish.guard_site import audit_site

    base_url = settings.release.site_base_url
    site = load_site(settings, today)
    files = render_site(site, base_url or "")
    live = site_path(settings).absolute()
    old = live.resolve() if live.is_symlink() else None
    builds = settings.home / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    stage = builds / uuid.uuid4().hex
    stage.mkdir()
    stamp = _stamp(settings.threshold)
    try:
        written = _write(stage, files, old)
        downloads = _link_downloads(stage, site)
        checked = written if _guarded_by(old, stamp) else None  # None: every file
        findings = audit_site(stage, settings.threshold, settings.organisation, only=checked)
        if findings:
            lines = "\n".join(f"  - {f}" for f in findings[:50])
            raise SiteRefused(f"site not rebuilt: the guard found {len(findings)} problem(s):\n{lines}")
        _stamp_path(stage).write_text(stamp, encoding="utf-8")
        _swap(live, stage)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _stamp_path(stage).unlink(missing_ok=True)
        raise
    _remove_older(builds, keep={stage.name, old.name if old is not None else ""})
    return SiteResult(
        live,
        stage,
        len(site.current),
        len(written),
        len(files) - len(written),
        downloads,
        len(written) if checked is not None else len(files) + downloads,
        base_url,
    )


def _stamp(k: int) -> str:
    """What guarded a build: the threshold and the guard's own code. A page linked unchanged from a build with
    the same stamp was read by this very guard under this threshold, so it need not be read again."""
    from flows.publish import guard_rules, guard_site

    digest = hashlib.sha256()
    for module in (guard_site, guard_rules):
        digest.update(Path(module.__file__).read_bytes())
    return json.dumps({"threshold": k, "guard_sha256": digest.hexdigest()}, sort_keys=True) + "\n"


def _stamp_path(build: Path) -> Path:
    return build.with_name(f"{build.name}.guarded.json")  # beside the build, never served


def _guarded_by(build: Path | None, stamp: str) -> bool:
    return build is not None and _stamp_path(build).is_file() and _stamp_path(build).read_text() == stamp


def _remove_older(builds: Path, keep: set[str]) -> None:
    """Every build and stamp but the new one's and the previous one's (readers may still be in it)."""
    for other in builds.iterdir():
        if other.name.split(".")[0] in keep:
            continue
        if other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
        else:
            other.unlink(missing_ok=True)


def _write(stage: Path, files: dict[str, bytes], old: Path | None) -> set[str]:
    """Write the files whose bytes differ from the live build's, hard-link the rest; the written paths."""
    written = set()
    for rel, data in files.items():
        target = stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = old / rel if old is not None else None
        if (
            previous is not None
            and previous.is_file()
            and previous.stat().st_size == len(data)
            and previous.read_bytes() == data
            and _link(previous, target)
        ):
            continue
        target.write_bytes(data)
        target.chmod(0o644)
        written.add(rel)
    return written


def _link_downloads(stage: Path, site: SiteData) -> int:
    """Each current release's files, as ``releases/<reference>/v<N>/<file>``: hard links to what was published."""
    count = 0
    for r in site.current:
        if r.folder is None:
            continue
        folder = stage / "releases" / r.slug / f"v{r.entry.version}"
        folder.mkdir(parents=True, exist_ok=True)
        for a in r.entry.attachments:
            source = r.folder / a.file
            if not source.is_file():
                raise SiteRefused(
                    f"site not rebuilt: {source} is listed in its release's manifest but missing"
                )
            if not _link(source, folder / a.file):
                shutil.copy2(source, folder / a.file)
            count += 1
    return count


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:  # another file system, or no hard links: the caller writes or copies instead
        return False


def _swap(live: Path, stage: Path) -> None:
    if live.exists() and not live.is_symlink():
        raise SiteRefused(f"{live} is a folder, not the link this command manages: move it aside first")
    link = live.with_name(f".{SITE_NAME}-{uuid.uuid4().hex}")
    os.symlink(os.path.relpath(stage, live.parent), link)
    os.replace(link, live)


def rebuild_after(settings: Settings) -> str:
    """For publish and withdraw, whose own step is complete by now: the site is rebuilt, or the reason it was
    not (the live site stays as it was; `disclose site` tries again), never an error for a finished step."""
    try:
        return f"site: {build_site(settings).index}"
    except SiteRefused as exc:
        return f"the live site was left as it was ({exc}); fix that, then run `disclose site`"


def rebuild(settings: Settings, today: date | None = None) -> SiteResult:
    """``disclose site`` and the ``site`` deployment: rebuild under the release lock (never beside a publish)."""
    from flows.release.lock import release_lock

    with release_lock(settings, "site"):
        return build_site(settings, today)
