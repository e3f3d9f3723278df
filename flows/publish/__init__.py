"""The publish stage: tables through disclosure control -> workbook, CSV copies, letter, manifest, log.

Public entry points: :func:`publish_release` (build, guard, rename into place, log) and
:func:`flows.publish.guard.audit_paths` / :func:`flows.publish.guard.main` (the independent guard).
"""

from flows.publish.context import Exemption, FoiRequest, ReleaseContext
from flows.publish.guard import Finding, audit_paths
from flows.publish.release import PublicationRefused, PublishResult, publish_release

__all__ = [
    "Exemption",
    "Finding",
    "FoiRequest",
    "PublicationRefused",
    "PublishResult",
    "ReleaseContext",
    "audit_paths",
    "publish_release",
]
