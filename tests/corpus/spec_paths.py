"""Spec paths that are not regular files, and the one line ``disclose check`` and ``disclose request`` answer
each with (flows/requests/spec.py, regular_file): refused from its type alone, never opened, so a named
pipe cannot make either command wait for a writer, nor a device feed it for ever. tests/test_spec_paths.py
runs each through both commands, in plain and Prefect mode, with a timeout."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ASK = "not a file: give the path of a request spec (.yaml)"


@dataclass(frozen=True)
class SpecPathCase:
    """``make(folder)`` returns the path given on the command line; the one line is '<path>: <reason>'."""

    name: str
    make: Callable[[Path], Path]
    reason: str


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "request.yaml")
    return folder / "request.yaml"


def _link_to_fifo(folder: Path) -> Path:
    (folder / "request.yaml").symlink_to(_fifo(folder / "elsewhere"))
    return folder / "request.yaml"


def _folder(folder: Path) -> Path:
    (folder / "requests.yaml").mkdir()
    return folder / "requests.yaml"


def _socket(folder: Path) -> Path:
    path = folder / "request.yaml"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()  # the socket file stays
    return path


SPEC_PATH_CASES: tuple[SpecPathCase, ...] = (
    SpecPathCase("fifo", _fifo, f"is a named pipe (FIFO), {ASK}"),
    SpecPathCase("symlink_to_a_fifo", _link_to_fifo, f"is a named pipe (FIFO), {ASK}"),
    SpecPathCase("folder", _folder, f"is a folder, {ASK}"),
    SpecPathCase("device", lambda folder: Path("/dev/zero"), f"is a device, {ASK}"),
    SpecPathCase("socket", _socket, f"is a socket, {ASK}"),
)
