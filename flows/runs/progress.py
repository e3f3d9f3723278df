"""Stage names as a run reaches them, for whoever listens (the CLI's progress line on a terminal).

The pipeline announces each stage and the release path its steps; with no listener this does nothing. A
listener runs in the announcing thread and must be quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

_listeners: list[Callable[[str], None]] = []


def stage(name: str) -> None:
    for listener in list(_listeners):
        listener(name)


@contextmanager
def listening(listener: Callable[[str], None]) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
