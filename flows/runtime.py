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
