"""Process-wide defaults for Prefect, set before Prefect is imported: no telemetry, quiet, local by default."""

from __future__ import annotations

import os

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOG_PRINTS": "false",
}


def quiet_prefect() -> None:
    """Apply the defaults without overriding anything the user set (a real server via PREFECT_API_URL wins)."""
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
