"""Waiting for an exclusive ``flock`` with one message and a deadline: the release lock and the warehouse lock."""

from __future__ import annotations

import fcntl
import sys
import time
from collections.abc import Callable

POLL_SECONDS = 0.1


def wait_exclusive(
    fd: int, timeout: float, waiting: Callable[[], str], timed_out: Callable[[], Exception]
) -> None:
    """Take ``fd``'s lock exclusively; say ``waiting()`` once on stderr if it is held, and raise ``timed_out()``
    if it is still held after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise timed_out() from None
            if not told:
                print(waiting(), file=sys.stderr, flush=True)
                told = True
            time.sleep(POLL_SECONDS)
