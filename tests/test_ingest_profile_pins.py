"""The ledger pins the profile a file was read through (name and sha256 of the profile file), the manifest
shows it, and a rebuild warns when the profile changed or went since the file was loaded."""

from __future__ import annotations

import hashlib
import json
import shutil

import duckdb
from rich.console import Console

from flows.config import PROJECT_ROOT
from flows.ingest import ledger
from flows.ingest.rebuild import rebuild
from flows.ingest.report import manifest_summary
from tests.corpus.cases import CASES, CUSTODY_HEADER, custody, text
from tests.test_ingest_history import deliver, query

NICHE = PROJECT_ROOT / "data" / "profiles" / "niche_custody.yaml"
NICHE_SHA = hashlib.sha256(NICHE.read_bytes()).hexdigest()


def _deliver_niche_and_canonical(settings):
    case = next(c for c in CASES if c.name == "profile_niche_drops_personal_columns")
    deliver(settings, case.file_name, case.build())
    deliver(settings, "custody.csv", text(CUSTODY_HEADER, [custody("C1")]))


def test_the_ledger_log_and_manifest_pin_the_profile_file(settings):
    _deliver_niche_and_canonical(settings)
    assert query(settings, "select profile, profile_sha256 from raw.manifest order by delivery_id") == [
        ("niche_custody", NICHE_SHA),
        (None, None),
    ]
    log = [json.loads(line) for line in (settings.raw_dir / "deliveries.jsonl").read_text().splitlines()]
    assert [(e["profile"], e["profile_sha256"]) for e in log] == [("niche_custody", NICHE_SHA), (None, None)]
    console = Console(record=True, width=400)
    console.print(manifest_summary(settings))
    shown = console.export_text()
    assert f"niche_custody @{NICHE_SHA[:8]}" in shown


def test_rebuild_is_quiet_when_profiles_are_unchanged_and_warns_when_one_changed(settings, tmp_path):
    _deliver_niche_and_canonical(settings)
    same = rebuild(settings, check_only=True)
    assert same.identical and same.warnings == []

    profiles = tmp_path / "profiles"
    shutil.copytree(NICHE.parent, profiles)
    edited = NICHE.read_text(encoding="utf-8").replace(
        "    NFA: No further action\n", "    NFA: No further action\n    NOFA: No further action\n"
    )
    (profiles / "niche_custody.yaml").write_text(edited, encoding="utf-8")
    changed = rebuild(settings, check_only=True, profiles_dir=profiles)
    (line,) = changed.warnings
    assert line.startswith(
        f"profile niche_custody changed since file 1 was loaded (sha256 {NICHE_SHA[:12]} then"
    )
    assert f"warning: {line}" in changed.lines()
    assert changed.tables["raw.extract_files"] == "different"  # the rebuilt ledger pins the new mapping

    (profiles / "niche_custody.yaml").unlink()
    gone = rebuild(settings, check_only=True, profiles_dir=profiles)
    assert gone.warnings == [
        "file 1 was loaded through profile niche_custody but was replayed with no profile: "
        "restore data/profiles/niche_custody.yaml as it was, or expect its rows to differ"
    ]


def test_a_ledger_from_before_profile_hashes_gains_the_column(tmp_path):
    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        con.execute("create schema raw")
        con.execute(ledger.DDL[0])
        for statement in ledger.DDL[1:5]:  # the columns an older warehouse already had
            con.execute(statement)
        con.execute(
            "insert into raw.extract_files (file_id, sha256, original_name, bytes, received_at, status, "
            "archive_path, profile) values (1, 'a', 'x.csv', 1, '2016-01-01', 'loaded', 'p', 'niche_custody')"
        )
        ledger.ensure_tables(con)
        assert con.sql("select profile, profile_sha256 from raw.manifest").fetchall() == [
            ("niche_custody", None)
        ]
