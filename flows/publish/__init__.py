"""The publish stage's writers and readers: tables through disclosure control -> workbook, CSV copies, letter,
manifest, log entry; and the guard that re-reads them.

Public entry points: :func:`prepare_grids` and :func:`write_release` (one release version's files, re-read by the
guard) and :func:`flows.publish.guard.audit_paths` / :func:`flows.publish.guard.main` (the independent guard).
Where and when a release folder appears is :mod:`flows.release`'s business.

The names below are imported on first use: importing a light module of this package (the disclosure log's
entries, which every nightly run's recovery reads) must not load the workbook writers and the guard.
"""

from flows.exports import on_first_use

_EXPORTS = {
    "BuiltRelease": "flows.publish.release",
    "Exemption": "flows.publish.context",
    "Finding": "flows.publish.guard",
    "FoiRequest": "flows.publish.context",
    "ReleaseContext": "flows.publish.context",
    "audit_paths": "flows.publish.guard",
    "prepare_grids": "flows.publish.release",
    "write_release": "flows.publish.release",
}

__all__ = sorted(_EXPORTS)

__getattr__ = on_first_use(__name__, _EXPORTS)
