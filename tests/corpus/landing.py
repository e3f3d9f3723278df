"""Landing cases: what is in the landing folder (not only a file's bytes), and the exact outcome ingest gives it.

Each case sets up ``landing/`` (and, for links, a folder outside the data home) and states what ingest does:
the entry's outcome (``loaded``, ``waiting`` or ``refused``, or None for a name ingest ignores), the reason
fragment, and what must be left in landing afterwards. tests/test_landing_rules.py runs them, and checks
that nothing outside the home was read, linked or had its permissions changed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.corpus.cases import CUSTODY_HEADER, custody, text

GOOD = text(CUSTODY_HEADER, [custody("C1"), custody("C2")])
NAME = "custody.csv"


@dataclass(frozen=True)
class LandingCase:
    """``setup(landing, outside)`` puts entries in landing; ``settle_seconds`` is the run's setting."""

    name: str
    setup: Callable[[Path, Path], None]
    outcome: str | None  # loaded | waiting | refused | None (ignored: no outcome at all)
    reason: str | None = None
    left_in_landing: tuple[str, ...] = ()
    settle_seconds: float = 0


def _file(name: str = NAME, age: float = 3600) -> Callable[[Path, Path], None]:
    def setup(landing: Path, outside: Path) -> None:
        path = landing / name
        path.write_bytes(GOOD)
        when = time.time() - age
        os.utime(path, (when, when))

    return setup


def _link(target_inside: bool) -> Callable[[Path, Path], None]:
    def setup(landing: Path, outside: Path) -> None:
        folder = landing.parent if target_inside else outside
        target = folder / "target.csv"
        target.write_bytes(GOOD)
        os.chmod(target, 0o640)
        (landing / NAME).symlink_to(target)

    return setup


def _fifo(landing: Path, outside: Path) -> None:
    os.mkfifo(landing / NAME)


def _with_marker(landing: Path, outside: Path) -> None:
    _file(age=0)(landing, outside)
    (landing / f"{NAME}.done").touch()


def _folder(landing: Path, outside: Path) -> None:
    (landing / "old").mkdir()
    (landing / "old" / NAME).write_bytes(GOOD)


LANDING_CASES: tuple[LandingCase, ...] = (
    LandingCase("settled_file_is_taken", _file(age=120), "loaded", settle_seconds=60),
    LandingCase(
        "recent_file_waits",
        _file(age=0),
        "waiting",
        "taken once unchanged for 60 s",
        left_in_landing=(NAME,),
        settle_seconds=60,
    ),
    LandingCase("done_marker_takes_a_recent_file", _with_marker, "loaded", settle_seconds=60),
    LandingCase(
        "temporary_name_part_is_ignored", _file(f"{NAME}.part"), None, left_in_landing=(f"{NAME}.part",)
    ),
    LandingCase(
        "temporary_name_tmp_is_ignored", _file(f"{NAME}.tmp"), None, left_in_landing=(f"{NAME}.tmp",)
    ),
    LandingCase("dot_file_is_ignored", _file(f".{NAME}"), None, left_in_landing=(f".{NAME}",)),
    LandingCase("office_lock_file_is_ignored", _file(f"~${NAME}"), None, left_in_landing=(f"~${NAME}",)),
    LandingCase("folder_is_not_searched", _folder, None, left_in_landing=("old",)),
    LandingCase(
        "symlink_out_of_the_home_is_refused",
        _link(target_inside=False),
        "refused",
        "symbolic link",
        left_in_landing=(NAME,),
    ),
    LandingCase(
        "symlink_within_the_home_is_refused",
        _link(target_inside=True),
        "refused",
        "symbolic link",
        left_in_landing=(NAME,),
    ),
    LandingCase("fifo_is_refused_without_waiting", _fifo, "refused", "named pipe", left_in_landing=(NAME,)),
)
