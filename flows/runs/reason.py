"""Why a run failed, in one line that can leave the machine (the run log, a webhook, a Prefect artifact)."""

from __future__ import annotations

MAX_CHARS = 500


def expected(exc: BaseException) -> bool:
    """A problem a user can act on, whose message was written by disclose to name files, rows and columns,
    never values (the CLI prints these without a traceback)."""
    from flows.config import ConfigError
    from flows.errors import DiscloseError
    from flows.ingest.profiles import ProfileError
    from flows.requests.errors import SpecError

    return isinstance(exc, DiscloseError | SpecError | ProfileError | ConfigError | FileNotFoundError)


def one_line(exc: BaseException) -> str:
    """An expected error's own words on one line; for anything else only its type, since a library's message
    may quote a cell of an extract (DuckDB's "Could not convert string ..." does)."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if not expected(exc):
        return f"unexpected error ({type(exc).__name__}): see the run's log on the machine that ran it"
    text = "; ".join(part.strip(" -") for part in str(exc).splitlines() if part.strip())
    text = text or type(exc).__name__
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 3] + "..."
