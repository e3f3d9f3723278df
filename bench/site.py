"""make bench, section site: the transparency site over a publication record of 1,000 releases.

The record (bench/site_record.py: 36 standing-dataset periods, the rest FOI responses) is generated once and
cached in bench/data/site/<n>/ (again when the generator or the record's code changes); each run copies it.
Three builds, each in its own process (``python -m bench.site build ROOT OUT``), timed whole by
bench/measure.py (wall, peak RSS) and inside (the build alone, from reading the record to the swap): a full
build (no live site), a rebuild with nothing changed, and a rebuild after one new FOI response is recorded.
Each reports the site's files written, hard-linked unchanged from the live build, downloads linked from
published/, and the files the site guard read. Target (issue 16 item 5): a build under 10 s.

Usage: python -m bench.site [N]   (make bench runs it as the "site" section)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import measure

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "data" / "site"
RELEASES = 1000
STEPS = ("full build", "rebuild, nothing changed", "rebuild after one new release")
TARGET_SECONDS = 10.0
GENERATOR_CODE = (ROOT / "bench" / "site_record.py", ROOT / "flows" / "release" / "record.py")


def run(n: int = RELEASES) -> dict:
    from bench.site_record import add_foi, home_settings
    from flows.release.public_log import refresh_public_log

    cached, made = _cached_record(n)
    scratch = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        root = scratch / "record"
        shutil.copytree(cached, root, symlinks=True)
        summary = json.loads((root / "summary.json").read_text())
        steps = []
        for step in STEPS:
            if step == STEPS[2]:  # as a publish would leave it, before its own rebuild
                add_foi(home_settings(root), summary["foi"])
                refresh_public_log(home_settings(root))
            out = scratch / "build.json"
            out.unlink(missing_ok=True)
            sample = measure(["bench.site", "build", str(root), str(out)], check=False)
            steps.append({"step": step, **sample, **(json.loads(out.read_text()) if out.exists() else {})})
        return {"releases": n, "record_seconds": made, "target_seconds": TARGET_SECONDS, "steps": steps}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _cached_record(n: int) -> tuple[Path, float | None]:
    """The cached record of ``n`` releases (made now if missing or made by other code) and, if it was made
    now, how long that took."""
    from bench.site_record import DATASETS, make_record, new_home

    digest = hashlib.sha256(b"".join(p.read_bytes() for p in GENERATOR_CODE)).hexdigest()
    folder = CACHE / str(n)
    summary = folder / "summary.json"
    if summary.is_file() and json.loads(summary.read_text()).get("code_sha256") == digest:
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    print(f"generating a publication record of {n} releases into {folder} ...", flush=True)
    start = time.perf_counter()
    periods = 12
    make_record(new_home(folder), n, periods)
    seconds = time.perf_counter() - start
    summary.write_text(
        json.dumps({"releases": n, "foi": n - periods * len(DATASETS), "code_sha256": digest}) + "\n"
    )
    print(f"generated in {seconds:.1f} s", flush=True)
    return folder, seconds


def build(root: Path, out: Path) -> None:
    """One build of the site of the home under ``root`` (the measured process); its figures into ``out``."""
    from bench.site_record import home_settings
    from flows.site.build import build_site

    settings = home_settings(root)
    start = time.perf_counter()
    result = build_site(settings)
    seconds = time.perf_counter() - start
    figures = {
        "build_seconds": seconds,
        "releases": result.releases,
        "written": result.written,
        "linked": result.linked,
        "downloads": result.downloads,
        "guard_read": result.checked,
    }
    out.write_text(json.dumps(figures) + "\n")


def print_table(result: dict) -> None:
    made = result["record_seconds"]
    origin = f"generated in {made:.1f} s" if made is not None else "cached"
    print(
        f"\nsite: {result['releases']} releases (record {origin}); target: a build under {TARGET_SECONDS:g} s"
    )
    print(
        f"{'build':32} {'process s':>10} {'build s':>8} {'peak MiB':>9} {'written':>8} {'linked':>7} "
        f"{'downloads':>9} {'guard read':>10}"
    )
    for s in result["steps"]:
        if "build_seconds" not in s:
            print(f"{s['step']:32} failed (exit {s['exit_code']})")
            continue
        print(
            f"{s['step']:32} {s['seconds']:10.2f} {s['build_seconds']:8.2f} {s['peak_rss_mib']:9.0f} "
            f"{s['written']:8} {s['linked']:7} {s['downloads']:9} {s['guard_read']:10}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["build"]:
        build(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        print_table(run(int(sys.argv[1]) if len(sys.argv) > 1 else RELEASES))
