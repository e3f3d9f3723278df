"""Text encodings: accept UTF-8 (with or without BOM) and Windows-1252, hand DuckDB plain UTF-8.

DuckDB 2.0 cannot load its encodings extension offline, so Windows-1252 files are transcoded in a
streaming pass. Windows-1252 is never read as Latin-1: the two differ in 0x80-0x9F (’ – € …), and a
byte that Windows-1252 leaves undefined rejects the file rather than guessing.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
BOM = codecs.BOM_UTF8


class EncodingRejected(ValueError):
    """The file is neither UTF-8 nor Windows-1252 text."""


@dataclass(frozen=True)
class Sniffed:
    encoding: str  # utf-8 | utf-8-sig | cp1252
    sha256: str
    bytes: int


def sniff(path: Path) -> Sniffed:
    """One pass: sha256, size, and whether every byte decodes as UTF-8 (else Windows-1252, strictly)."""
    h, size = hashlib.sha256(), 0
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    cp1252 = codecs.getincrementaldecoder("cp1252")("strict")
    is_utf8, is_cp1252, first = True, True, b""
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            if not first:
                first = block[:3]
            h.update(block)
            size += len(block)
            if b"\x00" in block:
                raise EncodingRejected("contains NUL bytes: a binary file, not a text extract")
            if is_utf8:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    is_utf8 = False
            if not is_utf8 and is_cp1252:
                try:
                    cp1252.decode(block)
                except UnicodeDecodeError as exc:
                    raise EncodingRejected(
                        f"byte 0x{block[exc.start]:02x} at offset {size - len(block) + exc.start} is neither "
                        "UTF-8 nor Windows-1252"
                    ) from None
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    encoding = ("utf-8-sig" if first.startswith(BOM) else "utf-8") if is_utf8 else "cp1252"
    if encoding == "cp1252":
        _recheck_cp1252(path)  # the UTF-8 pass may have stopped early; check every byte
    return Sniffed(encoding, h.hexdigest(), size)


def _recheck_cp1252(path: Path) -> None:
    dec = codecs.getincrementaldecoder("cp1252")("strict")
    offset = 0
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            try:
                dec.decode(block)
            except UnicodeDecodeError as exc:
                raise EncodingRejected(
                    f"byte 0x{block[exc.start]:02x} at offset {offset + exc.start} is neither UTF-8 nor Windows-1252"
                ) from None
            offset += len(block)


def as_utf8(path: Path, encoding: str, scratch: Path) -> Path:
    """Return a path DuckDB can read as UTF-8 without a BOM: the file itself, or a transcoded copy."""
    if encoding == "utf-8":
        return path
    out = scratch / (path.stem + ".utf8.csv")
    with path.open("r", encoding=encoding, newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while block := src.read(CHUNK):
            dst.write(block)
    return out


def read_header(path: Path, encoding: str) -> list[str]:
    import csv

    with path.open("r", encoding=encoding, newline="") as fh:
        row = next(csv.reader(fh), None)
    return row or []
