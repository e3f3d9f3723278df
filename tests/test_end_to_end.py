"""End to end: the plain pipeline on generated data, and the real Prefect flows under one test harness."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from flows.config import load_settings
from flows.errors import PipelineFailed
from flows.pipeline import run_nightly, run_request
from flows.publish.guard import audit_paths

SMALL_K = 5


@pytest.fixture(scope="module")
def generated_home(tmp_path_factory) -> Path:
    """The demo's data: `disclose demo` generates the tiny scale with seed 1."""
    from flows.generate import generate

    home = tmp_path_factory.mktemp("home")
    generate(seed=1, scale="tiny", out=home / "landing")
    return home


def _small_numbers(release: Path, k: int) -> list[str]:
    """Independent of the writers: every integer in every CSV count column must be 0 or >= k."""
    manifest = json.loads((release / "manifest.json").read_text())
    counts = {m for t in manifest["tables"] for m, role in t["measures"].items() if role == "count"}
    found = []
    for path in release.glob("*.csv"):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
        for row in csv.DictReader(lines):
            for header, value in row.items():
                if any(
                    c.replace("_", " ") in header.lower() or header.lower().startswith("number of")
                    for c in counts
                ):
                    if value.isdigit() and 0 < int(value) < k:
                        found.append(f"{path.name}: {header}={value}")
    return found


def _sign_off(settings, results) -> list:
    """Approve (a second person) and publish every draft, as an FOI officer would after checking it."""
    from flows.release.approve import approve
    from flows.release.publish import publish

    out = []
    for drafted in results:
        assert drafted.status == "drafted" and drafted.path.is_relative_to(settings.drafts_dir)
        assert not (settings.published_dir / drafted.release_id).exists()  # a draft is not public
        approve(settings, drafted.release_id, by="Second Officer")
        out.append(publish(settings, drafted.release_id))
    return out


def test_nightly_then_requests_go_draft_approved_published(generated_home):
    # the annual standing table's first protection runs the exact loop to its time limit (120 s by default): what
    # this test checks (drafted, signed off, published, audited) does not depend on how near the least loss it gets
    settings = load_settings(
        home=generated_home,
        synthetic=True,
        threshold=SMALL_K,
        operator="analyst",
        disclosure={"time_limit_s": 15},
    )
    nightly = run_nightly(settings)
    assert nightly.ingest.new_files >= 2 and not nightly.ingest.rejected
    # both standing datasets have a period due on their calendar: each is drafted once, published on approval
    assert sorted(r.release_id.split(".")[0] for r in nightly.releases) == [
        "arrests-by-month-further-action",
        "arrests-by-offence-group-year-outcome",
    ]
    assert not any(settings.published_dir.glob("*/v1"))
    for release in _sign_off(settings, nightly.releases):
        folder = settings.published_dir / release.release_id
        assert release.path == folder and (folder / "manifest.json").is_file() and list(folder.glob("*.xlsx"))
        assert audit_paths([folder]) == []
        assert _small_numbers(folder, SMALL_K) == []
        _assert_margins_published_and_audited(folder)

    again = run_nightly(settings)  # nothing new landed and nothing else is due: the warehouse refreshes only
    assert again.ingest.new_files == 0 and again.releases == []

    for spec in ("wmp-3056-15.yaml", "mps-01-foi-22-025326.yaml"):
        (release,) = _sign_off(settings, run_request(settings, spec).releases)
        folder = settings.published_dir / release.release_id
        assert audit_paths([folder]) == [] and (folder / "letter.md").is_file()
        if spec.startswith(
            "mps"
        ):  # the letter states every s.25 code counted, 2003-2022's IM71131 among them
            letter = (folder / "letter.md").read_text(encoding="utf-8")
            assert all(code in letter for code in ("IM71014", "IM71104", "IM71131", "IM71142", "IM71142C")), (
                letter
            )
        assert _small_numbers(folder, SMALL_K) == []
        _assert_margins_published_and_audited(folder)
        if spec.startswith(
            "mps"
        ):  # the MPS answer: a total is published, and the notes say how it was chosen
            assert _published_totals(folder), "every total of the MPS answer is withheld"
            assert "Method chosen: " in (folder / "letter.md").read_text(encoding="utf-8")
    log = (settings.published_dir / "disclosure-log.csv").read_text(encoding="utf-8")
    assert "01.FOI.22.025326" in log and "3056_15" in log

    # the publication record holds every released cell as readers saw it, with what it counts
    from flows.release.record import audit_record, load_history

    assert audit_record(settings).passed  # every release together: nothing withheld can be worked out
    history = load_history(settings)
    assert {c.release_id.split("/")[0] for c in history} >= {"01.FOI.22.025326", "3056_15"}
    assert all(c.shown == 0 or not isinstance(c.shown, int) or c.shown >= SMALL_K for c in history)
    assert all(c.population["day"] and c.population["source"] == {"custody"} for c in history)


def _published_totals(folder: Path) -> list[str]:
    """Non-zero figures published on a total row ("All ..." in some column), read from the CSV copy."""
    found = []
    for path in folder.glob("*.csv"):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
        for row in csv.DictReader(lines):
            values = list(row.values())
            if any(v.startswith("All ") for v in values) and values[-1].isdigit() and int(values[-1]) > 0:
                found.append(",".join(values))
    return found


def _assert_margins_published_and_audited(folder: Path) -> None:
    """Totals are published (secondary suppression protects them), and the independent audit, reading only
    the files, finds no withheld figure it can work out."""
    from flows.sdc_audit import audit_release_folder

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["disclosure"]["margins_published"] and manifest["disclosure"]["audit"]["zeros_published"]
    stated = {
        o["table"]: o for o in manifest["disclosure"]["optimality"]
    }  # the gap to a proven bound, per table
    suppressed = {t["name"] for t in manifest["tables"] if t["cells_suppressed"] and not t.get("rounded_to")}
    assert suppressed <= set(stated) and all(
        0 <= o["gap_at_most_percent"] <= 100 and o["bound"] for o in stated.values()
    )
    answered = {a["table"]: a for a in manifest["disclosure"]["answered"]}  # how much of the question
    assert suppressed <= set(answered)
    for a in answered.values():
        assert 0 <= a["figures_published_exactly"] <= a["figures_requested"]
        assert 0 <= a["totals_published_exactly"] <= a["totals_requested"]
        assert (
            a["share_published_percent"]
            == int(1000 * a["figures_published_exactly"] / a["figures_requested"]) / 10
        )
    for entry in manifest["tables"]:
        body = (folder / f"{entry['name'].replace('_', '-')}.csv").read_text(encoding="utf-8")
        assert (
            entry["rows"] == 1
            or entry["totals"]
            and all(f",{label}," in body or body.count(label) for label in entry["totals"].values())
        )
    result = audit_release_folder(folder)
    assert result.passed, result.summary()
    for text in [p.read_text(encoding="utf-8") for p in folder.glob("*.md")] + [_sheet_text(folder)]:
        assert "interval" not in text and "atoms" not in text  # how was it protected: in general terms only


def _sheet_text(folder: Path) -> str:
    from openpyxl import load_workbook

    (path,) = folder.glob("*.xlsx")
    book = load_workbook(path, read_only=True)
    return " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


def test_a_rejected_file_stops_the_run_before_anything_is_published(tmp_path):
    settings = load_settings(home=tmp_path)
    (settings.landing_dir).mkdir(parents=True)
    (settings.landing_dir / "custody.csv").write_text("custody_ref,person_ref\nC1,P1\n")
    with pytest.raises(PipelineFailed, match="custody.csv: rejected"):
        run_nightly(settings)
    assert not settings.published_dir.exists()


@pytest.mark.flow
def test_prefect_flows_run_the_same_pipeline(generated_home, prefect_harness):
    from flows.nightly import nightly
    from flows.request import request

    result = nightly(home=str(generated_home))
    assert result.ingest is not None and not result.ingest.rejected
    answer = request(spec="wmp-3056-15.yaml", home=str(generated_home))
    assert answer.releases[0].release_id.startswith("3056_15/v")  # a draft (or the same as the last one)
