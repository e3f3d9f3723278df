"""Release ids: ``<reference>/v<N>``. The version lives in the path, never in file names.

A reference is an FOI reference (``01.FOI.22.025326``, ``3056_15``) or a standing dataset's slug
(``arrests-by-offence-group-year-outcome``). Versions start at 1 and grow by one per re-issue of the same
reference; a version folder is never rewritten once published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# matched with fullmatch: "$" alone would accept a trailing newline ("REF\n"), which then names a folder
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
_RELEASE_ID = re.compile(r"(?P<reference>[A-Za-z0-9][A-Za-z0-9._-]{0,79})/v(?P<version>[1-9][0-9]{0,5})")


class ReleaseIdError(ValueError):
    """A reference or release id that cannot be used safely as a path."""


def check_reference(reference: str) -> str:
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference) or ".." in reference:
        raise ReleaseIdError(
            f"reference {reference!r} must be 1-80 letters, digits, '.', '_' or '-', start with a letter or "
            "digit and not contain '..'"
        )
    return reference


@dataclass(frozen=True, order=True)
class ReleaseId:
    reference: str
    version: int

    def __post_init__(self) -> None:
        check_reference(self.reference)
        if not 1 <= self.version <= 999_999:
            raise ReleaseIdError(f"version {self.version} out of range 1..999999")

    def __str__(self) -> str:
        return f"{self.reference}/v{self.version}"

    @classmethod
    def parse(cls, text: str) -> ReleaseId:
        m = _RELEASE_ID.fullmatch(text)
        if not m:
            raise ReleaseIdError(f"release id {text!r} is not of the form <reference>/v<N>")
        return cls(m["reference"], int(m["version"]))

    def path_under(self, published: Path) -> Path:
        return published / self.reference / f"v{self.version}"

    def next(self) -> ReleaseId:
        return ReleaseId(self.reference, self.version + 1)


def existing_versions(published: Path, reference: str) -> list[ReleaseId]:
    """Published versions of a reference, oldest first (only complete ``v<N>`` folders count)."""
    folder = published / check_reference(reference)
    if not folder.is_dir():
        return []
    found = [
        int(p.name[1:]) for p in folder.iterdir() if p.is_dir() and re.fullmatch(r"v[1-9][0-9]*", p.name)
    ]
    return [ReleaseId(reference, v) for v in sorted(found)]


def next_release_id(published: Path, reference: str) -> ReleaseId:
    versions = existing_versions(published, reference)
    return versions[-1].next() if versions else ReleaseId(reference, 1)
