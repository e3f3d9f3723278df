"""The independent disclosure audit: rebuilds what an intruder knows from published files and refuses a release
when any withheld cell can be recovered or narrowed. It imports nothing from ``flows.sdc``.

``audit_tables`` audits tables as published (labels, numbers, shorthand); ``audit_release_folder`` reads them
from a release folder's CSV copies, sidecars and manifest; ``audit_populations`` audits every release ever
published as one system over population atoms (cumulative disclosure).
"""

from flows.sdc_audit.audit import audit_tables
from flows.sdc_audit.model import AuditResult, AuditTable, KRule, Problem
from flows.sdc_audit.populations import PopulationCell, audit_populations
from flows.sdc_audit.release_folder import audit_release_folder

__all__ = [
    "AuditResult",
    "AuditTable",
    "KRule",
    "PopulationCell",
    "Problem",
    "audit_populations",
    "audit_release_folder",
    "audit_tables",
]
