"""What `disclose request` calls first: hand the request to the home's warm service if one is running.

``ask`` returns None when no service answers (no socket, a stale one, a path too long for a socket, or the
service declined): the CLI then answers in-process, as before, and says which. Once the service has accepted
the request its outcome is final: the run is the service's, and a failure is reported, never run again here.
Standard library and the settings only, so that asking costs milliseconds.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from flows.config import Settings
from flows.errors import DiscloseError
from flows.warm.protocol import MAX_PATH_BYTES, receive, send, socket_path


class WarmRequestFailed(DiscloseError):
    """The service ran the request and it failed; the message is the failure's own line."""


@dataclass
class WarmAnswer:
    """The service's run, as the CLI prints it."""

    pid: int
    lines: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        return self.lines


@dataclass
class NoService:
    """Why the request is answered in this process instead."""

    reason: str


def ask(
    settings: Settings,
    spec: str,
    *,
    plain: bool,
    config: str | None,
    home: str | None,
    on_accepted: Callable[[int], None] = lambda pid: None,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> WarmAnswer | NoService:
    """The service's answer to ``spec`` for ``settings``'s home, or why there is none."""
    path = socket_path(settings.home)
    if len(str(path).encode()) > MAX_PATH_BYTES or not path.exists():
        return NoService("no `disclose serve` running for this home")
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            conn.connect(str(path))
        except OSError:
            return NoService("no `disclose serve` running for this home (a stale socket)")
        stream = conn.makefile("rwb")
        request = {
            "spec": spec,
            "config": config,
            "home": home,
            "plain": plain,
            "cwd": os.getcwd(),
            "settings": settings.model_dump_json(),
        }
        try:
            send(stream, request)
            first = receive(stream)
        except OSError:
            first = None
        if first is None or "accepted" not in first:
            why = (first or {}).get("declined", "it closed the connection")
            return NoService(f"the warm service declined: {why}")
        on_accepted(first["accepted"])
        return _outcome(stream, first["accepted"], on_stage)
    finally:
        conn.close()


def _outcome(stream, pid: int, on_stage: Callable[[str], None]) -> WarmAnswer:
    while (message := receive(stream)) is not None:
        if "stage" in message:
            on_stage(message["stage"])
        elif "lines" in message:
            return WarmAnswer(pid, message["lines"])
        elif "error" in message:
            text = message["error"]
            if not message.get("expected"):
                text = (
                    f"unexpected error ({message.get('type')}): {text} (the service's log has the "
                    "traceback; `disclose --debug request ...` runs it in this process)"
                )
            raise WarmRequestFailed(text)
    raise WarmRequestFailed(
        f"the warm service (pid {pid}) stopped before answering: see its log, or run the request again"
    )
