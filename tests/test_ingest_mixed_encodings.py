"""mixed_encodings (flows/ingest/encoding.py) read in blocks: the offset and line it reports are those of the
first byte Python's own UTF-8 decoder refuses in the whole file, wherever the blocks happen to cut it, and a
genuine Windows-1252 file is never called mixed."""

from __future__ import annotations

import random

import pytest

from flows.ingest import encoding
from flows.ingest.encoding import mixed_encodings

WORDS_UTF8 = ["St George’s".encode(), "café".encode(), "€5".encode(), "😀".encode(), b"Lloyd House", b"\n"]
WORDS_1252 = [
    "St George’s".encode("cp1252"),
    "café".encode("cp1252"),
    "– 5".encode("cp1252"),
    b"plain",
    b"\n",
]


def _first_bad(data: bytes) -> tuple[int, int]:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start, data.count(b"\n", 0, exc.start) + 1
    raise AssertionError("the sample is valid UTF-8")


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64, 1 << 20])
@pytest.mark.parametrize("seed", range(8))
def test_the_first_offending_byte_is_found_wherever_the_blocks_cut(tmp_path, monkeypatch, chunk, seed):
    monkeypatch.setattr(encoding, "CHUNK", chunk)
    rng = random.Random(seed)
    words = [rng.choice(WORDS_UTF8) + b" " for _ in range(rng.randint(20, 200))]
    words.insert(rng.randrange(len(words)), rng.choice([b"\xe9", b"\x92", b"\xc3", b"\xe2\x80"]) + b" ")
    data = b"".join(words)
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    at, line = _first_bad(data)
    assert f"byte {at} (line {line}) is not UTF-8" in (mixed_encodings(path) or "")


@pytest.mark.parametrize("chunk", [1, 3, 1 << 20])
@pytest.mark.parametrize("seed", range(4))
def test_a_windows_1252_file_is_not_called_mixed(tmp_path, monkeypatch, chunk, seed):
    monkeypatch.setattr(encoding, "CHUNK", chunk)
    rng = random.Random(seed)
    path = tmp_path / "cp1252.csv"
    path.write_bytes(b" ".join(rng.choice(WORDS_1252) for _ in range(300)))
    assert mixed_encodings(path) is None


def test_a_utf8_file_is_never_called_mixed(tmp_path, monkeypatch):
    monkeypatch.setattr(encoding, "CHUNK", 3)  # every multi-byte character cut by some block end
    path = tmp_path / "utf8.csv"
    path.write_bytes(b" ".join(WORDS_UTF8 * 50))
    assert mixed_encodings(path) is None
