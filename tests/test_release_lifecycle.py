"""Draft -> approve -> publish -> withdraw on hand-flagged tables: what each step refuses, what it leaves where,
and the publish-time disclosure check against everything published since a draft was made (two processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sdc_tables import with_margins
from test_publish_helpers import REFERENCE, district_table, draft, make_context, offence_table

from flows.config import PROJECT_ROOT, load_settings
from flows.contracts.manifest import sha256_file
from flows.errors import PublicationRefused, ReleaseError
from flows.release.approve import approve
from flows.release.draft import write_draft
from flows.release.protection import protect_release
from flows.release.publish import publish
from flows.release.record import audit_record, load_history, read_events, release_states
from flows.release.store import find_draft
from flows.release.withdraw import withdraw
from flows.requests.populations import complete
from flows.sdc.history import Axes, days


@pytest.fixture
def settings(tmp_path):
    return load_settings(home=tmp_path / "home", organisation="Test Constabulary", operator="analyst")


def files_of(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_request_is_a_draft_until_approved_and_published(settings):
    drafted = draft(settings)
    assert drafted.status == "drafted" and drafted.release_id == f"{REFERENCE}/v1"
    assert drafted.path == settings.drafts_dir / REFERENCE / "v1"
    assert not settings.published_dir.exists()  # nothing public yet
    files = drafted.path / "files"
    assert {"manifest.json", "letter.md"} <= {p.name for p in files.iterdir()}
    assert (drafted.path / "public-request-text.txt").read_text().startswith("Please tell me the number")
    with pytest.raises(ReleaseError, match="no approved draft"):
        publish(settings, REFERENCE)
    with pytest.raises(ReleaseError, match="a second person must approve"):
        approve(settings, REFERENCE, by="Analyst")  # whoever ran it, in any case
    approved = approve(settings, REFERENCE, by="Jo Bloggs", note="figures checked")
    assert (
        approved.status == "approved" and find_draft(settings, REFERENCE).approval.approved_by == "Jo Bloggs"
    )

    published = publish(settings, REFERENCE, today=date(2025, 2, 3))
    folder = settings.published_dir / REFERENCE / "v1"
    assert published.status == "published" and published.path == folder
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in files.iterdir())
    assert "3 February 2025" in (folder / "letter.md").read_text()  # the publication date, not the draft's
    (event,) = read_events(settings)
    assert (event.release_id, event.event, event.actor) == (f"{REFERENCE}/v1", "published", "Jo Bloggs")
    assert publish(settings, REFERENCE).status == "unchanged"  # idempotent
    with pytest.raises(ReleaseError, match="already published"):
        approve(settings, REFERENCE, by="Jo Bloggs")


def test_a_force_may_let_the_analyst_approve_their_own_draft(tmp_path):
    config = tmp_path / "disclose.toml"
    config.write_text(
        '[disclose]\nhome = "home"\noperator = "analyst"\n[disclose.release]\nsecond_approver = false\n'
    )
    settings = load_settings(config)
    draft(settings)
    assert approve(settings, REFERENCE, by="analyst").status == "approved"


def test_an_unchanged_rerun_adds_no_draft_and_a_changed_one_makes_v2(settings):
    first = draft(settings)
    v1 = files_of(first.path)
    again = draft(settings, published=date(2025, 2, 1))  # the next day, same figures
    assert again.status == "unchanged" and again.release_id == first.release_id
    second = draft(settings, [offence_table(robbery_2023=11), district_table()])
    assert second.status == "drafted" and second.release_id == f"{REFERENCE}/v2"
    assert files_of(first.path) == v1  # a draft is never rewritten
    assert not list(settings.drafts_dir.glob(".staging-*"))


def test_approval_takes_the_public_text_without_the_requester(settings, tmp_path):
    draft(settings)
    own = tmp_path / "public.txt"
    own.write_text("Please tell me, Mr Smith, on 07700 900123, the number of arrests.")
    with pytest.raises(ReleaseError, match="phone number"):
        approve(settings, REFERENCE, by="Jo Bloggs", public_text=own)
    edited = settings.drafts_dir / REFERENCE / "v1" / "public-request-text.txt"
    edited.write_text("The number of arrests for robbery and theft in 2022 and 2023.\n")
    approve(settings, REFERENCE, by="Jo Bloggs")
    publish(settings, REFERENCE)
    letter = (settings.published_dir / REFERENCE / "v1" / "letter.md").read_text()
    assert "> The number of arrests for robbery and theft in 2022 and 2023." in letter
    assert "Please tell me" not in letter
    assert read_events(settings)[0].detail["request_text"].startswith("The number of arrests")


def test_publishing_v2_supersedes_v1_and_an_older_draft_cannot_follow(settings):
    draft(settings)
    draft(settings, [offence_table(robbery_2023=11), district_table()])
    for version in (1, 2):
        approve(settings, f"{REFERENCE}/v{version}", by="Jo Bloggs")
    publish(settings, f"{REFERENCE}/v2")
    with pytest.raises(ReleaseError, match="older than"):
        publish(settings, f"{REFERENCE}/v1")
    assert release_states(read_events(settings)) == {f"{REFERENCE}/v2": "current"}


def test_withdrawal_takes_the_files_down_and_keeps_the_incident_and_the_figures(settings):
    table = year_table("2021", 20)
    protected = protect_release([table], settings, populations={"y": year_axes(["2021"])}, reference="yearly")
    write_draft(
        settings, protected.tables, make_context(reference="yearly", request=None), protected, "standing"
    )
    approve(settings, "yearly", by="Jo Bloggs")
    publish(settings, "yearly")
    folder = settings.published_dir / "yearly" / "v1"
    kept = files_of(folder)
    with pytest.raises(ReleaseError, match="say why"):
        withdraw(settings, "yearly", reason=" ")
    done = withdraw(settings, "yearly", reason="a district name was wrong", by="Jo Bloggs")
    assert done.status == "withdrawn" and not folder.exists()
    assert files_of(settings.withdrawn_dir / "yearly" / "v1") == kept  # kept as evidence, not served
    last = read_events(settings)[-1]
    assert (last.event, last.actor, last.detail) == (
        "withdrawn",
        "Jo Bloggs",
        {"reason": "a district name was wrong"},
    )
    assert {c.status for c in load_history(settings)} == {"withdrawn"}  # still counted in every later check
    assert withdraw(settings, "yearly/v1", reason="again").status == "unchanged"
    with pytest.raises(ReleaseError, match="has not been published"):
        withdraw(settings, "nothing-here", reason="x")


def year_table(label: str, value: int, name: str = "y"):
    return with_margins(name, [("period", [label], None)], {(label,): value})


def year_axes(labels: list[str]) -> Axes:
    """Periods on the day axis; every other axis stated (as the release path's populations are), so the record
    and a draft compare like with like."""
    fixed = {
        a: v for a, v in complete({"offence": frozenset({"ROB"}), "day": frozenset()}).items() if a != "day"
    }
    return Axes(
        {"period": ("day", {label: WINDOWS[label] for label in labels})}, fixed, as_at="2022-01-05T00:00:00"
    )


WINDOWS = {
    "2021": days(date(2021, 1, 1), date(2021, 12, 31)),
    "H1": days(date(2021, 1, 1), date(2021, 6, 30)),
    "H2": days(date(2021, 7, 1), date(2021, 12, 31)),
}


def two_drafts_safe_alone(settings) -> None:
    """'yearly' shows 2021 = 20; 'halves' shows H1 = 17 and withholds H2 = 3. Each is safe alone (drafted at the
    same moment, so neither saw the other), but together H2 = 20 - 17."""
    year = year_table("2021", 20)
    halves = with_margins("h", [("period", ["H1", "H2"], None)], {("H1",): 17, ("H2",): 3})
    made = [
        (reference, protect_release([table], settings, populations={table.name: axes}, reference=reference))
        for reference, table, axes in (
            ("yearly", year, year_axes(["2021"])),
            ("halves", halves, year_axes(["H1", "H2"])),
        )
    ]
    for reference, protected in made:
        write_draft(
            settings, protected.tables, make_context(reference=reference, request=None), protected, "standing"
        )
        approve(settings, reference, by="Jo Bloggs")
    assert "[c]" in find_draft(settings, "halves").record.grids[0]["rows"][1][1]


def test_the_publish_check_refuses_a_draft_that_is_unsafe_with_what_was_published_since(settings):
    two_drafts_safe_alone(settings)
    publish(settings, "yearly")
    with pytest.raises(
        PublicationRefused, match=r"published since it was drafted: .*period=H2.*can be bounded"
    ):
        publish(settings, "halves")
    assert not (settings.published_dir / "halves").exists()
    assert audit_record(settings).passed and set(release_states(read_events(settings))) == {"yearly/v1"}


def test_a_draft_is_protected_with_the_drafts_still_awaiting_publication(settings):
    """Drafted one after the other (as a nightly run drafts its standing datasets), the second draft sees the
    first as if published: both publish, in either order, and the record stays safe."""
    for reference, table, axes in (
        ("yearly", year_table("2021", 20), year_axes(["2021"])),
        (
            "halves",
            with_margins("h", [("period", ["H1", "H2"], None)], {("H1",): 17, ("H2",): 3}),
            year_axes(["H1", "H2"]),
        ),
    ):
        protected = protect_release([table], settings, populations={table.name: axes}, reference=reference)
        write_draft(
            settings, protected.tables, make_context(reference=reference, request=None), protected, "standing"
        )
        approve(settings, reference, by="Jo Bloggs")
    halves = find_draft(settings, "halves").record.grids[0]["rows"]
    assert "[c]" in str(halves[0][1]) and "[c]" in str(halves[1][1])  # H1 withheld too: 20 - 17 is not given
    publish(settings, "halves")
    publish(settings, "yearly")
    assert set(release_states(read_events(settings))) == {"yearly/v1", "halves/v1"}
    assert audit_record(settings).passed


def _cli(settings, *args: str, fault: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "DISCLOSE_HOME": str(settings.home), "DISCLOSE_OPERATOR": "analyst"}
    env.pop("DISCLOSE_FAULT", None)
    if fault:
        env["DISCLOSE_FAULT"] = fault
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_publishes_at_once_cannot_both_pass_the_check(settings, tmp_path):
    """The first publish holds the release lock from its check to its record entry; the second waits, then
    checks against the first and is refused. Without the lock both would pass and together expose H2."""
    two_drafts_safe_alone(settings)
    gate = tmp_path / "gate"
    first = _cli(settings, "publish", "yearly", fault=f"publish:after_check@wait:{gate}")
    deadline = time.monotonic() + 60
    while not Path(f"{gate}.reached").exists():  # the first has passed its check and holds the lock
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    second = _cli(settings, "publish", "halves")
    waited = second.stderr.readline()  # it says whom it waits for before it waits
    assert (
        "waiting for the release lock" in waited
        and f"pid {first.pid}" in waited
        and "publish yearly" in waited
    )
    gate.touch()
    assert first.wait(60) == 0, first.communicate()
    out, err = second.communicate(timeout=60)
    assert second.returncode == 1 and "published since it was drafted" in out + err
    assert set(release_states(read_events(settings))) == {"yearly/v1"}
    assert audit_record(settings).passed


def test_releases_an_older_disclose_published_are_adopted_into_the_event_log(settings, capsys):
    """Before the lifecycle, releases went straight into published/ with their own log entry and the record held
    only their cells. The first command that writes adopts them; one the record never knew is reported."""
    import json

    import duckdb
    from test_publish_helpers import publish as build

    from flows.publish.log import read_log
    from flows.release.record import record_path
    from flows.sdc.history import INSERT_CELL_SQL, PUBLISHED_CELLS_DDL, PublishedCell, to_row

    for reference in ("old-one", "old-lost"):
        folder = build(settings.published_dir, reference=reference, request=None).path
        (folder / "disclosure-log-entry.json").write_text(
            json.dumps(
                {
                    "reference": reference,
                    "release_id": f"{reference}/v1",
                    "title": "An older release of arrests",
                    "date_received": None,
                    "date_responded": None,
                    "date_published": "2024-05-01",
                    "request_text": "",
                    "response_summary": "Tables.",
                    "outcome": "Published proactively",
                    "exemptions": [],
                    "ncnd": False,
                    "ncnd_sections": [],
                    "attachments": [{"file": "x.csv", "format": "CSV", "bytes": 10, "sha256": "ab"}],
                    "category": "Crime statistics",
                    "url": f"{reference}/v1/",
                    "complaint_rights": "Write to us.",
                    "publisher": "Test Constabulary",
                    "licence": "Open Government Licence v3.0",
                    "synthetic": False,
                }
            )
        )
    record_path(settings).parent.mkdir(parents=True)
    with duckdb.connect(str(record_path(settings))) as con:
        con.execute(PUBLISHED_CELLS_DDL)
        cell = PublishedCell(
            "old-one/v1",
            "t",
            "arrests",
            (("period", "2021"),),
            20,
            "2022-01-05T00:00:00",
            {"day": WINDOWS["2021"]},
        )
        con.execute(INSERT_CELL_SQL, to_row(cell, "2024-05-01 09:00:00"))
    (settings.published_dir / "disclosure-log.jsonl").write_text("{}\n")  # the older log, mode 0600
    again = draft(settings, reference="old-one", request=None)  # any command that writes a release
    assert (again.status, again.release_id) == ("unchanged", "old-one/v1")  # the same as what is published
    assert not (
        settings.published_dir / "disclosure-log.jsonl"
    ).exists()  # the log is a view of the record now
    err = capsys.readouterr().err
    assert "old-one/v1: adopted into the event log" in err
    assert "old-lost/v1: published by an older disclose but not in the publication record" in err
    assert [(e.release_id, e.event) for e in read_events(settings)] == [("old-one/v1", "published")]
    (row,) = read_log(settings.published_dir)
    assert (row["reference"], row["type"], row["date_published"]) == (
        "old-one",
        "Proactive publication",
        "2024-05-01",
    )
    draft(settings)  # adopted once
    assert len(read_events(settings)) == 1
    withdraw(settings, "old-lost/v1", reason="not in the record")
    assert not (settings.published_dir / "old-lost" / "v1").exists()
    capsys.readouterr()
    draft(settings)
    assert "old-lost" not in capsys.readouterr().err


def test_standing_datasets_publish_at_once_only_where_the_policy_says_so(tmp_path):
    from flows.release.make import AUTOMATIC, publish_by_policy

    config = tmp_path / "disclose.toml"
    config.write_text('[disclose]\nhome = "home"\noperator = "analyst"\n')
    waiting = load_settings(config)
    drafted = draft(waiting, reference="arrests-by-district", request=None)
    assert publish_by_policy(waiting, drafted, "standing") == []  # the default: a person approves
    config.write_text(
        '[disclose]\nhome = "home"\noperator = "analyst"\n'
        '[disclose.release]\npublish_standing = "automatically"\n'
    )
    automatic = load_settings(config)
    foi = draft(automatic)
    assert publish_by_policy(automatic, foi, "foi") == []  # an FOI response always waits for a person
    done = publish_by_policy(automatic, drafted, "standing")
    assert [r.status for r in done] == ["approved", "published"]
    assert find_draft(automatic, "arrests-by-district").approval.approved_by == AUTOMATIC
    assert release_states(read_events(automatic)) == {"arrests-by-district/v1": "current"}
    assert [r.status for r in publish_by_policy(automatic, drafted, "standing")] == ["unchanged"]


def test_a_draft_made_before_an_axis_existed_still_protects_later_drafts(settings):
    """A draft awaiting approval across an upgrade that added an axis (hate crime strand) is completed as the
    record is: the next draft is protected with it instead of being refused for 'different axes'."""
    import json

    yearly = protect_release(
        [year_table("2021", 20)], settings, populations={"y": year_axes(["2021"])}, reference="yearly"
    )
    write_draft(settings, yearly.tables, make_context(reference="yearly", request=None), yearly, "standing")
    path = find_draft(settings, "yearly").folder / "draft.json"
    record = json.loads(path.read_text())
    for row in record["cells"]:
        population = json.loads(row[7])
        assert population.pop("hate_crime_strand")
        row[7] = json.dumps(population, sort_keys=True)
    path.write_text(json.dumps(record))
    assert all("hate_crime_strand" in c.population for c in find_draft(settings, "yearly").cells())
    halves = with_margins("h", [("period", ["H1", "H2"], None)], {("H1",): 17, ("H2",): 3})
    protected = protect_release(
        [halves], settings, populations={"h": year_axes(["H1", "H2"])}, reference="halves"
    )
    write_draft(
        settings, protected.tables, make_context(reference="halves", request=None), protected, "standing"
    )
    rows = find_draft(settings, "halves").record.grids[0]["rows"]
    assert "[c]" in str(rows[0][1]) and "[c]" in str(rows[1][1])  # the old draft's 20 is still seen
