"""The publish guard on ODS: a workbook as the writer makes it passes; each hostile change to it is refused."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from test_publish_helpers import ORG, K, publish

from flows.publish.guard import audit_paths

Parts = dict[str, bytes]
TABLE_NS = b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'


@pytest.fixture(scope="module")
def clean_ods(tmp_path_factory: pytest.TempPathFactory) -> Path:
    release = publish(tmp_path_factory.mktemp("ods") / "published").path
    (path,) = release.glob("*.ods")
    return path


def _spoil(clean: Path, tmp_path: Path, mutate: Callable[[Parts], None]) -> list[str]:
    """The writer's ODS, changed, audited as a file of a copy of its release (so column roles are known)."""
    with zipfile.ZipFile(clean) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    mutate(parts)
    folder = tmp_path / "release"
    shutil.copytree(clean.parent, folder)
    path = folder / clean.name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), parts.pop("mimetype"))
        for name, data in parts.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return [str(f) for f in audit_paths([path], threshold=K)]


def _replace(part: str, old: bytes, new: bytes, count: int = 1) -> Callable[[Parts], None]:
    def mutate(parts: Parts) -> None:
        assert old in parts[part], old
        parts[part] = parts[part].replace(old, new, count)

    return mutate


def _add(name: str, data: bytes) -> Callable[[Parts], None]:
    return lambda parts: parts.__setitem__(name, data)


def test_the_writers_ods_passes(clean_ods: Path, tmp_path: Path) -> None:
    assert audit_paths([clean_ods], threshold=K) == []
    assert _spoil(clean_ods, tmp_path, lambda parts: None) == []  # re-zipping alone changes nothing


FIRST_COUNT = b'office:value-type="float" office:value="15"'
ROW = b"<table:table-row>"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            _replace("content.xml", FIRST_COUNT, FIRST_COUNT + b' table:formula="of:=SUM([.D8:.D9])"'),
            "formula",
        ),
        (_replace("content.xml", b'table:display="true"', b'table:display="false"'), "hides sheets"),
        (
            _replace("content.xml", ROW, b'<table:table-row table:visibility="collapse">'),
            "collapse (hidden) table-row",
        ),
        (
            _replace("content.xml", ROW, b'<table:table-row table:visibility="filter">'),
            "filter (hidden) table-row",
        ),
        (
            _replace(
                "content.xml", b"<table:table-column ", b'<table:table-column table:visibility="collapse" '
            ),
            "collapse (hidden) table-column",
        ),
        (
            _replace("content.xml", b'style:column-width="', b'style:column-width="0cm" x="'),
            "zero-width column",
        ),
        (
            _replace(
                "content.xml",
                b"<text:p>Robbery</text:p>",
                b"<text:p>Robbery</text:p><office:annotation><text:p>see raw data</text:p></office:annotation>",
            ),
            "comment (office:annotation)",
        ),
        (
            _replace("meta.xml", f"<meta:initial-creator>{ORG}".encode(), b"<meta:initial-creator>jsmith"),
            "meta:initial-creator is 'jsmith'",
        ),
        (
            _replace("meta.xml", f"<dc:creator>{ORG}".encode(), b"<dc:creator>john.smith@force.police.uk"),
            "dc:creator is 'john.smith@force.police.uk'",
        ),
        (
            _replace(
                "meta.xml", b"<dc:language>", b"<meta:printed-by>J Smith</meta:printed-by><dc:language>"
            ),
            "personal or custom metadata meta:printed-by",
        ),
        (
            _replace("content.xml", FIRST_COUNT, b'office:value-type="float" office:value="3"'),
            "count 3 is below",
        ),
        (_replace("content.xml", b"<text:p>[c]</text:p>", b"<text:p>2</text:p>"), "count 2 is below"),
        (_add("Basic/Standard/Module1.xml", b"<script/>"), "unexpected part Basic/Standard/Module1.xml"),
        (_add("Thumbnails/thumbnail.png", b"\x89PNG"), "unexpected part Thumbnails/thumbnail.png"),
        (
            _replace(
                "content.xml",
                b"<office:body>",
                b"<office:scripts><office:script/></office:scripts><office:body>",
            ),
            "scripts (office:scripts)",
        ),
        (
            _replace(
                "content.xml",
                b"<office:body>",
                b'<office:event-listeners><script:event-listener xmlns:script="urn:oasis:names:tc:opendocument:xmlns:'
                b'script:1.0" script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Run"/>'
                b"</office:event-listeners><office:body>",
            ),
            "event listener",
        ),
        (
            _replace(
                "content.xml", b'<text:a xlink:href="#Notes.A1"', b'<text:a xlink:href="macro:Standard.Run"'
            ),
            "link runs a macro",
        ),
        (
            _replace("content.xml", b'fo:font-weight="bold"', b'fo:font-weight="bold" fo:color="#FFFFFF"'),
            "white font",
        ),
        (
            _replace("content.xml", b"<text:p>North</text:p>", b"<text:p>=HYPERLINK(&quot;x&quot;)</text:p>"),
            "could run as a formula",
        ),
        (_replace("mimetype", b"spreadsheet", b"spreadsheet-template"), "not an ODS spreadsheet"),
    ],
)
def test_a_hostile_ods_is_refused(
    clean_ods: Path, tmp_path: Path, mutate: Callable[[Parts], None], expected: str
) -> None:
    findings = _spoil(clean_ods, tmp_path, mutate)
    assert any(expected in f for f in findings), findings


def test_a_broken_ods_is_refused_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "broken.ods"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    (finding,) = audit_paths([path], threshold=K)
    assert "not a readable ODS package" in str(finding) or "could not be audited" in str(finding)
