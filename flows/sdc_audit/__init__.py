"""The independent disclosure audit: rebuilds what an intruder knows from published files and refuses a release
when any withheld cell can be recovered or narrowed. It imports nothing from ``flows.sdc``.

``audit_tables`` audits tables as published (labels, numbers, shorthand); ``audit_release_folder`` reads them
from a release folder's CSV copies, sidecars and manifest; ``audit_populations`` audits every release ever
published as one system over population atoms (cumulative disclosure).

The names below are imported on first use: the publication record (read by every nightly run's recovery) needs
only the data model, not the LP solver and SciPy behind the audits.
"""

from flows.exports import on_first_use

_EXPORTS = {
    "AuditResult": "flows.sdc_audit.model",
    "AuditTable": "flows.sdc_audit.model",
    "KRule": "flows.sdc_audit.model",
    "PopulationCell": "flows.sdc_audit.model",
    "Problem": "flows.sdc_audit.model",
    "audit_populations": "flows.sdc_audit.populations",
    "audit_release_folder": "flows.sdc_audit.release_folder",
    "audit_tables": "flows.sdc_audit.audit",
}

__all__ = sorted(_EXPORTS)

__getattr__ = on_first_use(__name__, _EXPORTS)
