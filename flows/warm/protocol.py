"""The warm service's socket and messages: one JSON object a line over a Unix socket in the data home.

A Unix socket, not a TCP port: the file's mode (0600) and the peer's uid (``SO_PEERCRED``) limit it to the
account that runs the service, with no token to keep, and it is found from the home alone. Standard library
only: `disclose request` imports this before it knows whether it will answer in-process.
"""

from __future__ import annotations

import json
import socket
import struct
from pathlib import Path
from typing import Any, BinaryIO

#: a Unix socket path longer than this cannot be bound (sun_path is 108 bytes with its terminating NUL)
MAX_PATH_BYTES = 107


def socket_path(home: Path) -> Path:
    return home / "run" / "request.sock"


def send(stream: BinaryIO, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message, default=str).encode("utf-8") + b"\n")
    stream.flush()


def receive(stream: BinaryIO) -> dict[str, Any] | None:
    """The next message, or None when the other side closed the connection."""
    line = stream.readline()
    return json.loads(line) if line.strip() else None


def peer_uid(conn: socket.socket) -> int:
    """The uid of the process at the other end (Linux ``SO_PEERCRED``: pid, uid, gid)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]
