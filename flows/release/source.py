"""What one release answers: the data parts of a request spec, or the tables of a standing dataset's due period.

Both kinds go through the same :func:`flows.release.make.release`; a source says only what differs between
them: the FOI request (letter, exemptions, log entry) or the next update and the earlier periods whose
figures mark revisions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from flows.config import Settings
from flows.requests.models import DataPart, NotHeldPart, RequestSpec


@dataclass(frozen=True)
class ReleaseSource:
    reference: str
    title: str
    parts: tuple[tuple[DataPart, str], ...]  # each data part with where it sits in its spec, for errors
    spec_path: str
    spec_sha256: str
    request: RequestSpec | None = None  # an FOI response; None for a proactive (standing) publication
    next_update: str | None = None  # standing: when the next period is due, for the cover
    revisions_of: str | None = None  # standing: the dataset whose previous period's figures mark [r]

    @property
    def kind(self) -> str:
        return "foi" if self.request is not None else "standing"

    def without_parts(self, answers: dict[str, NotHeldPart]) -> ReleaseSource:
        """The source with these data parts answered in words instead ("not held in this form")."""
        if not answers:
            return self
        request = self.request
        if request is not None:
            request = request.model_copy(update={"parts": [answers.get(p.id, p) for p in request.parts]})
        return replace(
            self, parts=tuple((p, w) for p, w in self.parts if p.id not in answers), request=request
        )


def request_path(settings: Settings, spec: str | Path) -> Path:
    """A spec named without a folder is looked up in the configured requests folder."""
    path = Path(spec)
    if not path.exists() and not path.is_absolute() and (settings.requests_dir / path).exists():
        return settings.requests_dir / path
    return path


def request_source(settings: Settings, spec_file: str | Path) -> ReleaseSource:
    """Load and check a request spec (:class:`flows.requests.errors.SpecError` names the file and field)."""
    from flows.requests.spec import load_spec

    path = request_path(settings, spec_file)
    spec, digest = load_spec(path)
    parts = tuple((part, f"parts[{i}]") for i, part in enumerate(spec.parts) if isinstance(part, DataPart))
    return ReleaseSource(spec.reference, spec.title, parts, str(path), digest, request=spec)
