"""One pass over a delivered file's bytes: its sha256, size, what kind of file it really is, and its encoding.

Everything ingest needs to know before parsing is learnt in this single read, so the hot path reads each
file's bytes once in Python (hashing) and once in DuckDB (parsing). Text must be UTF-8 (with or without BOM)
or Windows-1252; DuckDB 2.0 cannot load its encodings extension offline, so Windows-1252 is transcoded in a
streaming pass (``as_utf8``). Windows-1252 is never read as Latin-1: the two differ in 0x80-0x9F (’ – €), and
a byte that Windows-1252 leaves undefined rejects the file rather than guessing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
BOM = codecs.BOM_UTF8
CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_HIGH = bytes(range(0x80, 0x100))
_UTF8_PAIR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")  # in Windows-1252: 'Ã©', or rarely 'É’'
_UTF8_LONG = re.compile(  # three or four bytes: in Windows-1252 'â€™' and the like, never real text
    rb"\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_UTF8_LONG_START = re.compile(rb"[\xe0-\xf4][\x80-\xbf]{2}")  # a quick scan; _UTF8_LONG confirms (4x faster)
MAGIC = {
    b"PK\x03\x04": "zip",
    b"PK\x05\x06": "zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole",  # legacy .xls, or an encrypted (password-protected) workbook
    b"PAR1": "parquet",
}
# Two line breaks with nothing between them: a blank record, which DuckDB skips but still counts in its line
# numbers (quoted newlines can look the same; then the exact csv pass simply finds no blank record). One
# pattern per file, chosen by its first line break, keeps this to a single scan of each block.


def _blank_mark(first_block: bytes) -> bytes:
    lf = first_block.find(b"\n")
    if lf > 0 and first_block[lf - 1 : lf] == b"\r":
        return b"\n\r\n"
    return b"\n\n" if lf >= 0 else b"\r\r"


@dataclass(frozen=True)
class Sniffed:
    sha256: str
    bytes: int
    kind: str  # text | zip | ole | parquet | binary
    encoding: str | None = None  # utf-8 | utf-8-sig as read; DuckDB confirms it (see ``not_utf8``)
    problem: str | None = None  # why these bytes cannot be a text extract
    may_have_blank_lines: bool = False
    ends_with_newline: bool = True
    cp1252_undefined_at: int | None = None  # first byte Windows-1252 leaves undefined
    first_non_ascii_is_utf8: bool | None = None  # None: the file is plain ASCII

    def not_utf8(self) -> str | None:
        """Once DuckDB finds bytes that are not UTF-8: why the file cannot be Windows-1252 either, or None."""
        if self.encoding == "utf-8-sig":
            return "starts with a UTF-8 byte-order mark but is not valid UTF-8"
        if self.cp1252_undefined_at is not None:
            return f"byte at offset {self.cp1252_undefined_at} is neither UTF-8 nor Windows-1252 text"
        return None


def sniff(path: Path | BinaryIO, copy_to: BinaryIO | None = None) -> Sniffed:
    """Hash the file and classify its bytes in one streaming read; never raises for bad content. ``copy_to``
    receives every byte read, so a copy and its hash are made in the same pass (flows/ingest/claims.py).

    UTF-8 validity is not checked here: decoding in Python costs more than hashing, and DuckDB checks every
    row as it parses anyway. A file DuckDB finds invalid is then read as Windows-1252 (``as_utf8``)."""
    h, size = hashlib.sha256(), 0
    first, tail, blank, problem, last, mark = b"", b"", False, None, b"", b"\n\n"
    cp1252_bad: int | None = None
    first_utf8: bool | None = None
    with path.open("rb") if isinstance(path, Path) else nullcontext(path) as fh:
        while block := fh.read(CHUNK):
            if copy_to is not None:
                copy_to.write(block)
            if not first:
                first, mark = block[:8], _blank_mark(block)
            h.update(block)
            if problem is None and _kind(first) == "text":
                problem = _text_problem(block, size, first)
                if not block.isascii():
                    if first_utf8 is None:
                        first_utf8 = _decodes_as_utf8(block)
                    if cp1252_bad is None:
                        cp1252_bad = _first_undefined_cp1252(block, size)
                # rfind, not `in`: CPython's forward search stops at every line break, the backward one
                # skips them (twice as fast on extracts, where every hundredth byte is a line break)
                blank = blank or block.rfind(mark) >= 0 or mark in tail + block[:2]
                tail = block[-2:]
            size += len(block)
            last = block[-1:]
    digest = h.hexdigest()
    kind = _kind(first)
    if size == 0:
        return Sniffed(digest, 0, "text", "utf-8", problem="the file is empty")
    if kind != "text":
        return Sniffed(digest, size, kind)
    if problem:
        return Sniffed(digest, size, "binary", problem=problem)
    encoding = "utf-8-sig" if first.startswith(BOM) else "utf-8"
    return Sniffed(
        digest, size, "text", encoding, None, blank, last in (b"\n", b"\r"), cp1252_bad, first_utf8
    )


def _decodes_as_utf8(block: bytes) -> bool:
    """Whether the first block with non-ASCII bytes is UTF-8 (a sequence cut by the block end is fine): a
    Windows-1252 export almost never is, so it can be transcoded before DuckDB reads it rather than after."""
    try:
        codecs.utf_8_decode(block, "strict", False)
    except UnicodeDecodeError:
        return False
    return True


def _kind(first: bytes) -> str:
    for magic, kind in MAGIC.items():
        if first.startswith(magic):
            return kind
    return "text"


def _text_problem(block: bytes, offset: int, first: bytes) -> str | None:
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text: export the extract as UTF-8 or Windows-1252"
    if b"\x00" in block:
        at = offset + block.index(b"\x00")
        return f"contains NUL bytes (first at offset {at}): a binary file, not a text extract"
    return None


def _first_undefined_cp1252(block: bytes, offset: int) -> int | None:
    hits = [block.find(b) for b in CP1252_UNDEFINED]
    hits = [i for i in hits if i >= 0]
    return offset + min(hits) if hits else None


def mixed_encodings(path: Path) -> str | None:
    """Why a file that is not valid UTF-8 is not plausibly Windows-1252 either, or None.

    Windows-1252 text seldom holds a byte run that is also valid UTF-8: read that way a three- or four-byte
    sequence is 'â€™' and the like, a two-byte one 'Ã©' (or, rarely, a capital accented letter before a
    symbol: 'É’'). So a file with any valid sequence of three or four bytes, or with at least as many
    two-byte sequences as lone high bytes, is UTF-8 with stray bytes, or two encodings mixed: transcoding it
    would garble every character of one of them. The message gives the first byte that is not UTF-8."""
    first = line = None
    fed = newlines = pairs = lone = 0
    long_found = False
    decoder, rest = codecs.getincrementaldecoder("utf-8")(), b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(CHUNK)
            if first is None:
                held = len(decoder.getstate()[0])  # the start of a sequence the last block cut
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    at = max(exc.start - held, 0)
                    first, line = fed + exc.start - held, newlines + block.count(b"\n", 0, at) + 1
                newlines += block.count(b"\n")
                fed += len(block)
            data = rest + block  # counted whole: a sequence cut by the block end waits for the next block
            run = len(data) - len(data.rstrip(_HIGH))
            cut = len(data) - run if block and run < 64 else len(data)
            data, rest = data[:cut], data[cut:]
            found = len(_UTF8_PAIR.findall(data))
            pairs += found
            lone += len(data) - len(data.translate(None, _HIGH)) - 2 * found  # once long_found, moot
            long_found = long_found or _holds_long(data)
            if not block or (first is not None and long_found):
                break
    if first is None or (pairs < lone and not long_found):
        return None
    return (
        f"mixed encodings: byte {first} (line {line}) is not UTF-8, yet the file also holds UTF-8 "
        "characters, so it is not Windows-1252 either: re-export the whole file as UTF-8"
    )


def _holds_long(data: bytes) -> bool:
    at = 0
    while found := _UTF8_LONG_START.search(data, at):
        if _UTF8_LONG.match(data, found.start()):
            return True
        at = found.start() + 1
    return False


def as_utf8(path: Path, encoding: str, scratch: Path) -> Path:
    """A path DuckDB can read as UTF-8: the file itself (DuckDB skips a UTF-8 BOM), or a transcoded copy."""
    if encoding in ("utf-8", "utf-8-sig"):
        return path
    out = scratch / (path.stem + ".utf8.csv")
    with (
        path.open("r", encoding=encoding, newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        while block := src.read(CHUNK):
            dst.write(block)
    return out


def read_header(path: Path, encoding: str) -> list[str]:
    """The first CSV record (the header); empty if the first line is blank. Raises UnicodeDecodeError."""
    with path.open("r", encoding=encoding, newline="") as fh:
        row = next(csv.reader(fh), None)
    return row or []
