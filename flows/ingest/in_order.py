"""Check the next file while this one commits: the slow half of each load runs ahead, the writes stay in order.

A file's load is two halves. Reading and checking it (``check_file``) touches only the connection's own temp
tables and reads the ledger; writing it (``commit_file``) assigns ids, stages rows and commits. One after the
other, a commit (single-threaded in DuckDB) leaves a core idle and a check of a small file cannot use both.
Here up to ``len(cursors)`` files are read and checked at once, each on its own DuckDB cursor (temp tables
belong to a cursor, so its file's ``checked`` table waits there), and the calling thread commits them one at
a time, strictly in the given order, on the cursor that checked them. File ids, the ledger and every table
therefore come out exactly as if the files were loaded one by one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")  # an item to load
P = TypeVar("P")  # what the unordered half found
R = TypeVar("R")  # the outcome
C = TypeVar("C")  # a cursor


def in_order(
    items: Iterable[T], prepare: Callable[[T, C], P], finish: Callable[[P, C], R], cursors: Sequence[C]
) -> Iterator[tuple[T, R]]:
    """Each item with ``finish(prepare(item, cursor), cursor)``, in item order. ``prepare`` runs on worker
    threads, at most one per cursor at a time; ``finish`` runs on the calling thread, one item at a time.
    An exception from either half is raised at its own item's turn, after every earlier item finished;
    items after it are not finished."""
    if not cursors:
        raise ValueError("in_order needs at least one cursor")
    free: deque[C] = deque(cursors)
    running: deque[tuple[T, Future[P], C]] = deque()
    pool = ThreadPoolExecutor(max_workers=len(cursors), thread_name_prefix="disclose-check")

    def finish_oldest() -> tuple[T, R]:
        item, future, cursor = running.popleft()
        try:
            return item, finish(future.result(), cursor)
        finally:
            free.append(cursor)

    try:
        for item in items:
            if not free:
                yield finish_oldest()
            cursor = free.popleft()
            running.append((item, pool.submit(prepare, item, cursor), cursor))
        while running:
            yield finish_oldest()
    finally:  # stopped early (an error, or the caller stopped): let running halves end, start no more
        pool.shutdown(wait=True, cancel_futures=True)
