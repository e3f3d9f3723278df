"""``disclose check`` and ``disclose request`` refuse a spec path that is not a regular file in one line,
at once (tests/corpus/spec_paths.py): run as a user runs them, in a subprocess with a timeout, so a command
that opened a named pipe would wait for a writer and fail the test instead of hanging it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus.spec_paths import SPEC_PATH_CASES, SpecPathCase

DISCLOSE = str(Path(sys.executable).with_name("disclose"))
COMMANDS = {
    "check": (["check"], 2),
    "request --plain": (["request", "--plain"], 1),
    "request": (["request"], 1),
}


@pytest.mark.parametrize("command", COMMANDS, ids=str)
@pytest.mark.parametrize("case", SPEC_PATH_CASES, ids=lambda c: c.name)
def test_a_spec_path_that_is_not_a_file_is_refused_in_one_line(tmp_path, case: SpecPathCase, command: str):
    (tmp_path / "elsewhere").mkdir()
    path = case.make(tmp_path)
    args, status = COMMANDS[command]
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "400"}
    done = subprocess.run(
        [DISCLOSE, *args, str(path), "--home", str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert (done.returncode, done.stdout) == (status, "")
    assert done.stderr.strip().splitlines() == [f"{path}: {case.reason}"]
