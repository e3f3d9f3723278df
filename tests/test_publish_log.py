"""The public disclosure log: a view of the publication record a force can put on its website, checked against
the publishing checklist (§2 fields; items 54-58): one row per release at its current version, superseded and
withdrawn versions flagged, a type, titles, dates and links, CSV with CSVW metadata and JSON, world-readable."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from test_publish_helpers import REFERENCE, district_table, draft, offence_table

from flows.config import load_settings
from flows.contracts.manifest import sha256_file
from flows.publish.log import LOG_CSV_NAME, LOG_CSVW_NAME, LOG_JSON_NAME, read_log
from flows.release.approve import approve
from flows.release.publish import publish
from flows.release.withdraw import withdraw

#: §2 of ../shared/reference/publishing-checklist.md: the fields a disclosure-log entry must have
CHECKLIST_FIELDS = [
    "reference",
    "title",
    "date_received",
    "date_responded",
    "date_published",
    "request_text",
    "response_text",
    "outcome",
    "exemptions",
    "ncnd",
    "ncnd_sections",
    "reasons",
    "attachments",
    "category",
    "url",
    "complaint_rights",
    "publisher",
    "licence",
]
NCND_PROVISIONS = {"s.23(5)", "s.24(2)", "s.30(3)", "s.31(3)", "s.40(5)"}
SITE = "https://www.example.police.uk/foi/"


@pytest.fixture
def settings(tmp_path):
    config = tmp_path / "disclose.toml"
    config.write_text(
        f'[disclose]\nhome = "home"\norganisation = "Test Constabulary"\noperator = "analyst"\n'
        f'[disclose.release]\nsite_url = "{SITE}"\n'
    )
    return load_settings(config)


def release(settings, tables=None, **overrides):
    drafted = draft(settings, tables, **overrides)
    approve(settings, drafted.release_id, by="Jo Bloggs")
    return publish(settings, drafted.release_id, today=date(2025, 1, 10))


def test_every_row_has_the_checklist_fields(settings):
    result = release(settings)
    (row,) = read_log(settings.published_dir)
    header = csv.reader(io.StringIO((settings.published_dir / LOG_CSV_NAME).read_text())).__next__()
    meta = json.loads((settings.published_dir / LOG_CSVW_NAME).read_text())
    names = [c["name"] for c in meta["tableSchema"]["columns"]]
    assert (
        set(CHECKLIST_FIELDS) <= set(names)
        and [c["titles"] for c in meta["tableSchema"]["columns"]] == header
    )
    for column in meta["tableSchema"]["columns"]:
        if column["required"]:
            assert row[column["name"]] != "", column["name"]
    assert re.fullmatch(r"\d{2}\.FOI\.\d{2}\.\d{6}", row["reference"])  # the Met's pattern (item 54)
    assert (row["type"], row["status"], row["version"]) == ("FOI response", "current", "1")
    assert (row["date_received"], row["date_published"]) == ("2024-12-20", "2025-01-10")
    assert row["request_text"].startswith("Please tell me") and row["response_text"]
    # item 55: sections machine-readable; NCND only with NCND provisions
    assert row["exemptions"] == "s.40(2); s.30(1)" and row["outcome"] == "Partially disclosed"
    assert row["ncnd"] == "false" and row["ncnd_sections"] == ""
    assert "s.40(2): absolute exemption; why it applies is set out in the response letter" in row["reasons"]
    assert "s.30(1): qualified exemption; the harm and the public interest test" in row["reasons"]  # item 56
    assert (
        "internal review" in row["complaint_rights"] and "Information Commissioner" in row["complaint_rights"]
    )
    # item 58: every attachment with a name, format, size and checksum; titles and a link, never internal paths
    assert row["url"] == f"{SITE}{REFERENCE}/v1/"
    assert "Workbook: Arrests by offence group" in row["attachments"] and "(XLSX, " in row["attachments"]
    assert "Table: Arrests by offence group and year, 2022 to 2023 (CSV, " in row["attachments"]
    for name, digest in (item.split(" ") for item in row["attachment_checksums"].split("; ")):
        assert sha256_file(result.path / name) == digest
    text = (settings.published_dir / LOG_CSV_NAME).read_text() + (
        settings.published_dir / LOG_JSON_NAME
    ).read_text()
    assert str(settings.home) not in text and "drafts" not in text and "/v1/manifest" not in text


def test_ncnd_is_flagged_exactly_when_the_outcome_is_ncnd(settings):
    from test_publish_helpers import make_context

    from flows.publish import Exemption

    request = make_context().request.model_copy(
        update={
            "outcome": "Neither confirm nor deny",
            "ncnd": True,
            "exemptions": [Exemption(section="s.23(5)"), Exemption(section="s.31(3)")],
        }
    )
    release(settings, request=request)
    (row,) = read_log(settings.published_dir)
    assert row["ncnd"] == "true" and set(row["ncnd_sections"].split("; ")) <= NCND_PROVISIONS
    assert row["outcome"] == "Neither confirm nor deny"


def test_one_row_per_release_with_superseded_and_withdrawn_versions_flagged(settings):
    release(settings)
    release(settings, [offence_table(robbery_2023=11), district_table()])  # v2 of the same request
    release(settings, reference="arrests-by-district", request=None)  # a proactive publication
    rows = {r["reference"]: r for r in read_log(settings.published_dir)}
    assert set(rows) == {REFERENCE, "arrests-by-district"}
    foi, standing = rows[REFERENCE], rows["arrests-by-district"]
    assert (foi["version"], foi["status"], foi["url"]) == ("2", "current", f"{SITE}{REFERENCE}/v2/")
    assert foi["superseded_versions"].startswith("v1 (published 2025-01-10, superseded ")
    assert (standing["type"], standing["outcome"], standing["request_text"]) == (
        "Proactive publication",
        "Published proactively",
        "",
    )
    withdraw(settings, "arrests-by-district", reason="wrong district boundaries", by="Jo Bloggs")
    standing = {r["reference"]: r for r in read_log(settings.published_dir)}["arrests-by-district"]
    assert standing["status"] == "withdrawn" and standing["withdrawn_on"]
    assert standing["url"] == standing["attachments"] == ""  # its files are no longer served
    assert (
        "wrong district" not in (settings.published_dir / LOG_CSV_NAME).read_text()
    )  # the reason stays internal
    data = json.loads((settings.published_dir / LOG_JSON_NAME).read_text())
    by_ref = {r["reference"]: r for r in data["releases"]}
    assert [v["status"] for v in by_ref[REFERENCE]["versions"]] == ["superseded", "current"]
    assert by_ref["arrests-by-district"]["versions"][0]["url"] is None


def test_the_log_is_world_readable_and_regenerated_from_the_record(settings):
    release(settings)
    names = (LOG_CSV_NAME, LOG_CSVW_NAME, LOG_JSON_NAME)
    before = {n: (settings.published_dir / n).read_bytes() for n in names}
    for name in names:
        assert (settings.published_dir / name).stat().st_mode & 0o777 == 0o644, name
    for name in names:
        (settings.published_dir / name).unlink()  # lost, or never written because of a crash
    (settings.published_dir / f".{LOG_CSV_NAME}.abc.tmp").write_text("half")  # a torn write's leftover
    draft(settings, [offence_table(robbery_2023=20), district_table()])  # any command that writes a release
    assert {n: (settings.published_dir / n).read_bytes() for n in names} == before
    assert not list(settings.published_dir.glob(".*.tmp"))


def test_csv_validates_against_its_csvw_metadata(settings):
    """Checklist item 54: the log validates against its CSVW schema (an independent implementation reads it)."""
    from csvw import CSVW

    release(settings)
    release(settings, [offence_table(robbery_2023=11), district_table()])
    release(settings, reference="arrests-by-district", request=None)
    withdraw(settings, "arrests-by-district", reason="wrong boundaries")
    described = CSVW(str(settings.published_dir / LOG_CSVW_NAME), validate=True)
    assert described.is_valid, [str(w.message) for w in described.warnings]
    (table,) = described.tables
    rows = {r["reference"]: r for r in table.iterdicts()}
    assert rows[REFERENCE]["version"] == 2 and rows[REFERENCE]["ncnd"] is False
    assert rows["arrests-by-district"]["url"] is None and rows["arrests-by-district"]["withdrawn_on"]


def test_csv_reads_back_as_its_csvw_schema_says(settings):
    release(settings)
    meta = json.loads((settings.published_dir / LOG_CSVW_NAME).read_text())
    assert meta["url"] == LOG_CSV_NAME and meta["dc:publisher"] == "Test Constabulary"
    assert "open-government-licence/version/3" in meta["dc:license"]["@id"]
    types = {c["name"]: c["datatype"] for c in meta["tableSchema"]["columns"]}
    for row in read_log(settings.published_dir):
        for name, value in row.items():
            if value == "":
                continue
            if types[name] == "date":
                date.fromisoformat(value)
            elif types[name] == "integer":
                int(value)
            elif types[name] == "boolean":
                assert value in ("true", "false")
            elif types[name] == "anyURI":
                assert value.startswith("https://")
    assert Path(settings.published_dir / LOG_CSV_NAME).read_bytes().count(b"\r\n") == 2  # header + one row


def test_log_csv_neutralises_text_a_spreadsheet_would_run(settings):
    from test_publish_helpers import make_context

    request = make_context().request.model_copy(update={"request_text": '=HYPERLINK("http://evil.example")'})
    release(settings, title="-Arrests by offence group, year and district", request=request)
    (row,) = read_log(settings.published_dir)
    assert row["request_text"] == '\'=HYPERLINK("http://evil.example")'
    assert row["title"] == "'-Arrests by offence group, year and district"
    data = json.loads((settings.published_dir / LOG_JSON_NAME).read_text())
    assert data["releases"][0]["request_text"].startswith("=")  # the JSON log keeps the text as asked
    assert (settings.published_dir / LOG_CSV_NAME).read_bytes().startswith(b'"Reference","Title",')
