"""Expected problems of the pipeline and the release lifecycle: the CLI prints their message, never a traceback.

Each message names the thing (the release, the draft, the file) and what to do about it. Errors that belong to
one stage's input (a request spec, a profile, the configuration) stay next to the code that reads it.
"""

from __future__ import annotations

from collections.abc import Sequence


class DiscloseError(RuntimeError):
    """A problem a user can act on; the message says which thing and why."""


class PipelineFailed(DiscloseError):
    """A stage found a problem that must stop publication; the message says which and why."""


class PublicationRefused(DiscloseError):
    """The guard or the disclosure audit found something in the built files; nothing was published."""

    def __init__(self, release_id: object, findings: Sequence[object]) -> None:
        self.release_id = release_id
        self.findings = list(findings)
        lines = "\n".join(f"  - {f}" for f in self.findings[:50])
        more = f"\n  ... and {len(self.findings) - 50} more" if len(self.findings) > 50 else ""
        super().__init__(
            f"publication of {release_id} refused: the guard found {len(self.findings)} problem(s):\n"
            f"{lines}{more}"
        )


class ReleaseError(DiscloseError):
    """A lifecycle step cannot be taken (no such draft, not approved, approval policy, already published)."""
