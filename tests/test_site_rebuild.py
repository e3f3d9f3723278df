"""Rebuilding the transparency site costs the pages that changed: every other page is hard-linked from the
live build, and the site guard reads only what was written, unless the live build was guarded under another
threshold or by other guard code. Timings are in bench/site.py (make bench), not here."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_helpers import DATASETS, build_home, copy_home, foi_plan, publish_foi, publish_period

from flows.site.build import SiteRefused, build_site, site_path


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """Three FOI responses and two periods (2026-02, 2026-03) of each standing dataset."""
    settings, _ = build_home(tmp_path_factory.mktemp("rebuild"), 3, periods=2)
    return settings


def _inodes(site: Path) -> dict[str, int]:
    """Every page and data file of the site (not the downloads) by its inode."""
    return {
        str(p.relative_to(site)): p.stat().st_ino
        for p in site.rglob("*")
        if p.is_file() and not p.parent.name.startswith("v")
    }


def test_a_rebuild_with_nothing_changed_writes_nothing_and_the_guard_reads_nothing(home, tmp_path) -> None:
    settings = copy_home(home, tmp_path)
    before = _inodes(site_path(settings))
    again = build_site(settings)
    assert (again.written, again.checked) == (0, 0)
    assert again.linked == len(before) and again.downloads > 0
    assert _inodes(site_path(settings)) == before  # the very same files, hard-linked into the new build


@pytest.mark.parametrize("kind", ["FOI response", "standing period"])
def test_a_rebuild_after_one_new_release_rewrites_only_the_pages_that_changed(home, tmp_path, kind) -> None:
    settings = copy_home(home, tmp_path)
    site = site_path(settings)
    before = _inodes(site)
    if kind == "FOI response":
        new = foi_plan(4)[3].reference
        publish_foi(settings, foi_plan(4)[3])  # publishing rebuilds the site
        pages = set()
    else:
        new = f"{DATASETS[0]}.2026-04"
        publish_period(settings, DATASETS[0], 4, seed=9)
        pages = {f"datasets/{DATASETS[0]}/index.html"}  # its new period: the other datasets' pages stay
    after = _inodes(site)
    changed = {p for p, inode in after.items() if before.get(p) != inode}
    expected = {"index.html", "feed.atom", "catalogue.jsonld", "search-index.json"}
    assert changed == expected | pages | {f"releases/{new}/index.html"}
    assert set(before) <= set(after)  # every other page is the same file, hard-linked; none was lost


def test_the_guard_reads_only_the_written_files_under_the_same_threshold(home, tmp_path) -> None:
    settings = copy_home(home, tmp_path)
    publish_foi(settings, foi_plan(4)[3])
    result = build_site(settings)  # nothing new since publish rebuilt the site
    assert result.checked == 0
    stamp = result.build.with_name(f"{result.build.name}.guarded.json")
    stamp.write_text(stamp.read_text().replace('"guard_sha256": "', '"guard_sha256": "0'))  # other code
    again = build_site(settings)
    assert again.written == 0 and again.checked == again.linked + again.downloads  # every file read again


def test_a_higher_threshold_has_the_guard_read_unchanged_pages_again_and_refuse(home, tmp_path) -> None:
    """The pages do not change with k, but what they may show does: a page passed under k=5 that shows a 9
    must not slip through under k=10 because its bytes are the same."""
    settings = copy_home(home, tmp_path)
    live = site_path(settings).resolve()
    shown = [
        int(cell.split("<")[0])
        for page in live.glob("releases/*/index.html")
        for cell in page.read_text().split('data-role="count" class="num">')[1:]
        if cell.split("<")[0].isdigit()
    ]
    k = min(n for n in shown if n >= settings.threshold) + 1
    stricter = settings.model_copy(update={"threshold": k})
    with pytest.raises(SiteRefused, match="below the threshold"):
        build_site(stricter)
    assert site_path(settings).resolve() == live  # the live site stays as it was
