"""in_order: the unordered halves run at once, the ordered halves one at a time in item order, each on the
cursor its first half used; an error surfaces at its own item, after every earlier item finished."""

from __future__ import annotations

import random
import threading
import time

import pytest

from flows.ingest.in_order import in_order


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.most_active = 0
        self.finished: list[int] = []
        self.finish_threads: set[int] = set()

    def prepare(self, item: int, cursor: str) -> tuple[int, str]:
        with self.lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        time.sleep(random.uniform(0, 0.01))
        with self.lock:
            self.active -= 1
        if item == 13:
            raise RuntimeError("item 13 failed")
        return item, cursor

    def finish(self, prepared: tuple[int, str], cursor: str) -> int:
        item, prepared_on = prepared
        assert prepared_on == cursor, "finished on another cursor than it was prepared on"
        self.finish_threads.add(threading.get_ident())
        self.finished.append(item)
        return item * 10


def test_results_come_in_item_order_with_at_most_one_prepare_per_cursor():
    random.seed(1)
    rec = Recorder()
    out = list(in_order(range(12), rec.prepare, rec.finish, ["a", "b", "c"]))
    assert out == [(i, i * 10) for i in range(12)]
    assert rec.finished == list(range(12))
    assert 1 < rec.most_active <= 3  # really concurrent, never more than one per cursor
    assert rec.finish_threads == {threading.get_ident()}  # the ordered half runs on the caller's thread


def test_an_error_is_raised_at_its_own_item_after_the_earlier_ones_finished():
    rec = Recorder()
    seen = []
    with pytest.raises(RuntimeError, match="item 13 failed"):
        for item, _ in in_order(range(10, 20), rec.prepare, rec.finish, ["a", "b"]):
            seen.append(item)
    assert seen == [10, 11, 12] and rec.finished == [10, 11, 12]  # nothing after 13 was finished


def test_one_cursor_means_one_file_at_a_time():
    rec = Recorder()
    assert [r for _, r in in_order([1, 2, 3], rec.prepare, rec.finish, ["only"])] == [10, 20, 30]
    assert rec.most_active == 1


def test_stopping_early_starts_nothing_more():
    started = []

    def prepare(item, cursor):
        started.append(item)
        return item

    loads = in_order(range(100), prepare, lambda p, c: p, ["a", "b"])
    assert next(loads) == (0, 0)
    loads.close()
    assert len(started) <= 3  # the first, and at most the two that were running ahead


def test_no_cursor_is_refused():
    with pytest.raises(ValueError, match="at least one cursor"):
        list(in_order([1], lambda i, c: i, lambda p, c: p, []))
