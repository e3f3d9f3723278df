"""The publish stage's writers and readers: tables through disclosure control -> workbook, CSV copies, letter,
manifest, log entry; and the guard that re-reads them.

Public entry points: :func:`prepare_grids` and :func:`write_release` (one release version's files, re-read by the
guard) and :func:`flows.publish.guard.audit_paths` / :func:`flows.publish.guard.main` (the independent guard).
Where and when a release folder appears is :mod:`flows.release`'s business.
"""

from flows.publish.context import Exemption, FoiRequest, ReleaseContext
from flows.publish.guard import Finding, audit_paths
from flows.publish.release import BuiltRelease, prepare_grids, write_release

__all__ = [
    "BuiltRelease",
    "Exemption",
    "Finding",
    "FoiRequest",
    "ReleaseContext",
    "audit_paths",
    "prepare_grids",
    "write_release",
]
