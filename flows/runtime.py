"""Process-wide defaults for Prefect, set before Prefect is imported: no telemetry, quiet, local by default."""

from __future__ import annotations

import os

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "INFO",  # the stages' one-line counts reach the run's log on the server
    "PREFECT_LOGGING_LOG_PRINTS": "false",
}
#: the console shows none of Prefect's own lines (its boilerplate, a failed run's two tracebacks): the CLI
#: prints the run's summary, or one line saying why it failed. The run's log on the server keeps everything.
QUIET_CONSOLE = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL"}


def quiet_prefect(console_log: bool = False) -> None:
    """Apply the defaults without overriding anything the user set (a real server via PREFECT_API_URL wins);
    ``console_log`` (``disclose --debug``) leaves Prefect's console log on."""
    for key, value in (DEFAULTS if console_log else DEFAULTS | QUIET_CONSOLE).items():
        os.environ.setdefault(key, value)


def tie_embedded_server() -> None:
    """Make the temporary Prefect server that a run without PREFECT_API_URL starts die with this process.

    Prefect starts it as ``python -m uvicorn ...`` (prefect.server.api.server, pinned 3.8.8); here that
    module's ``subprocess`` is wrapped so the command runs under flows/child_guard.py instead."""
    import subprocess

    if os.environ.get("PREFECT_API_URL"):
        return  # a real server: nothing is started

    from prefect.server.api import server

    from flows.child_guard import child_env

    class _Tied:
        def __getattr__(self, name: str) -> object:
            return getattr(subprocess, name)

        @staticmethod
        def Popen(args: list[str], **kwargs: object) -> subprocess.Popen:  # noqa: N802 - subprocess's name
            if list(args[1:3]) == ["-m", "uvicorn"]:
                args = [args[0], "-m", "flows.child_guard", *args[2:]]
                kwargs["env"] = child_env(kwargs.get("env"))  # type: ignore[arg-type]
            return subprocess.Popen(args, **kwargs)  # type: ignore[call-overload]

    if not getattr(server, "_disclose_tied", False):
        server.subprocess = _Tied()  # type: ignore[assignment]
        server._disclose_tied = True  # type: ignore[attr-defined]
