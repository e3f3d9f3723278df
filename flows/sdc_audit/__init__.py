"""The independent disclosure audit: rebuilds what an intruder knows from published files and refuses a release
when any withheld cell can be recovered or narrowed. It imports nothing from ``flows.sdc``."""

from flows.sdc_audit.audit import audit_tables
from flows.sdc_audit.model import AuditResult, AuditTable, KRule, Problem

__all__ = ["AuditResult", "AuditTable", "KRule", "Problem", "audit_tables"]
