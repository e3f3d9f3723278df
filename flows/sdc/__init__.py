"""Statistical disclosure control. Usable without Prefect: tidy tables in, flagged tidy tables out.

``protect(tables, policy)`` is the entry point (:mod:`flows.sdc.protect`, which says in what order to read the
rest); releases apply it through :mod:`flows.release.protection`.
"""

from flows.sdc.policy import SdcPolicy, ThresholdOverride
from flows.sdc.protect import Protection, ProtectionRefused, protect

__all__ = ["Protection", "ProtectionRefused", "SdcPolicy", "ThresholdOverride", "protect"]
