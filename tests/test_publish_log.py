"""The disclosure log: one entry per release, checklist §2 fields, CSV re-rendered, crash healing, no duplicates."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from test_publish_helpers import ORG, REFERENCE, district_table, offence_table, publish

from flows.contracts.manifest import sha256_file
from flows.publish.log import LOG_CSV_NAME, LOG_NAME, read_log, record_releases

MANDATORY = ["reference", "release_id", "title", "date_received", "date_responded", "date_published",
             "request_text", "response_summary", "outcome", "exemptions", "ncnd", "attachments", "category", "url",
             "complaint_rights", "publisher", "licence", "synthetic"]


def _log_csv(published: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((published / LOG_CSV_NAME).read_bytes().decode("utf-8"), newline="")))


def test_entry_has_the_mandatory_fields_and_true_attachments(tmp_path: Path) -> None:
    published = tmp_path / "published"
    result = publish(published)
    (line,) = (published / LOG_NAME).read_text().splitlines()
    entry = json.loads(line)
    assert all(entry.get(k) not in (None, "") for k in MANDATORY if k not in ("ncnd", "synthetic")), entry
    assert entry["url"] == f"{REFERENCE}/v1/" and entry["publisher"] == ORG
    assert entry["exemptions"] == ["s.40(2)", "s.30(1)"] and entry["outcome"] == "Partially disclosed"
    assert "Information Commissioner" in entry["complaint_rights"]
    for a in entry["attachments"]:
        assert a["sha256"] == sha256_file(result.path / a["file"])
        assert a["bytes"] == (result.path / a["file"]).stat().st_size
    assert {a["file"] for a in entry["attachments"]} >= {"letter.md", "arrests-by-offence-group-year.csv"}


def test_csv_is_rerendered_after_each_release(tmp_path: Path) -> None:
    published = tmp_path / "published"
    publish(published)
    assert [r["release_id"] for r in _log_csv(published)] == [f"{REFERENCE}/v1"]
    publish(published, [offence_table(robbery_2023=20), district_table()])
    rows = _log_csv(published)
    assert [r["release_id"] for r in rows] == [f"{REFERENCE}/v1", f"{REFERENCE}/v2"]
    assert rows[0]["exemptions"] == "s.40(2); s.30(1)" and rows[0]["synthetic"] == "false"
    assert (published / LOG_CSV_NAME).read_bytes().count(b"\r\n") >= 3


def test_a_crash_before_the_log_append_is_healed_by_the_next_publish(tmp_path: Path) -> None:
    published = tmp_path / "published"
    publish(published)
    (published / LOG_NAME).unlink()  # as if the process died right after the rename
    (published / LOG_CSV_NAME).unlink()
    other = publish(published, reference="arrests-by-district", request=None)
    ids = [e.release_id for e in read_log(published)]
    assert sorted(ids) == sorted([f"{REFERENCE}/v1", "arrests-by-district/v1"])
    assert set(other.log_entries_added) == set(ids)
    assert len(_log_csv(published)) == 2


def test_recording_twice_adds_nothing_and_keeps_existing_lines(tmp_path: Path) -> None:
    published = tmp_path / "published"
    publish(published)
    before = (published / LOG_NAME).read_bytes()
    assert record_releases(published) == []
    assert (published / LOG_NAME).read_bytes() == before


def test_log_csv_neutralises_text_a_spreadsheet_would_run(tmp_path: Path) -> None:
    from test_publish_helpers import make_context

    published = tmp_path / "published"
    request = make_context().request.model_copy(update={"request_text": "=HYPERLINK(\"http://evil.example\")"})
    publish(published, title="-Arrests by offence group, year and district", request=request)
    (row,) = _log_csv(published)
    assert row["request_text"] == "'=HYPERLINK(\"http://evil.example\")"
    assert row["title"] == "'-Arrests by offence group, year and district"
    assert read_log(published)[0].request_text.startswith("=")  # the JSON log keeps the text as asked
    assert (published / LOG_CSV_NAME).read_bytes().startswith(b'"reference","release_id",')
