"""Sniff the next files while DuckDB loads this one.

Sniffing (sha256 and the byte checks in encoding.py) reads every byte in Python, and DuckDB then reads them
again to parse. One after the other, the two never overlap; here the coming files are sniffed on a worker
thread while the current one loads. hashlib, file reads and DuckDB all release the GIL, so the two really run
at once, and each file is in the page cache by the time DuckDB asks for it. A few files run ahead, so a large
file that follows a small one is already being hashed while the small one loads. Files are still loaded one
at a time in the given order, so file ids, the ledger and every table come out exactly as without it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from flows.ingest.encoding import Sniffed, sniff

T = TypeVar("T")
R = TypeVar("R")
AHEAD = 4  # files sniffed ahead of the one loading (the sniffs are tiny; the bytes are only read, not kept)


def sniffed_ahead(
    items: Sequence[T], path_of: Callable[[T], Path | None]
) -> Iterator[tuple[T, Sniffed | None]]:
    """Each item with its file sniffed (None where ``path_of`` gives no file to load), later items' sniffs
    already running. A sniff that fails raises when its item comes up, as a direct call would."""
    paths = {id(item): path_of(item) for item in items}  # cheap, and asked before any sniff starts

    def sniffed(item: T) -> Sniffed | None:
        path = paths[id(item)]
        return sniff(path) if path is not None else None

    return ahead(items, sniffed)


def ahead(items: Sequence[T], work: Callable[[T], R]) -> Iterator[tuple[T, R]]:
    """Each item with ``work(item)``, later items' work already running on one worker thread (a sniff, or a
    landed file's copy into the archive, which sniffs as it copies)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="disclose-sniff")

    def start(item: T) -> Future[R]:
        return pool.submit(work, item)

    pending: deque[Future[R]] = deque()
    try:
        for i, item in enumerate(items):
            while len(pending) <= AHEAD and i + len(pending) < len(items):
                pending.append(start(items[i + len(pending)]))
            yield item, pending.popleft().result()
    finally:  # stopped early (a failed load): do not go on hashing files nobody will load
        pool.shutdown(wait=True, cancel_futures=True)
