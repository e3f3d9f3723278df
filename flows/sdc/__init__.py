"""Statistical disclosure control. Usable without Prefect: tidy tables in, flagged tidy tables out.

<<<<<<< HEAD
``protect(tables, policy)`` is the entry point (:mod:`flows.sdc.protect`); releases apply it through
:mod:`flows.release.protection`.
=======
``protect(tables, policy)`` is the entry point (:mod:`flows.sdc.protect`, which says in what order to read the
rest); releases apply it through :mod:`flows.release.protection`.
>>>>>>> 782eaa0 (Disclosure control as a package one reads in order: protect -> choose (the alternatives, moved out of protect) -> suppress (rules -> system -> solve -> flag -> gate) -> explain, each stage module entered once with the policy; linear.py is system.py (and checks the relations itself), secondary.py is solve.py, fallback.py is shapes.py; flag.py (pattern to flags, people dropped, decisions) and cumulative.py (the history guard) split out of suppress.py and protect.py. Behaviour unchanged: the demo's releases are identical cell for cell)
"""

from flows.sdc.policy import SdcPolicy, ThresholdOverride
from flows.sdc.protect import Protection, ProtectionRefused, protect

__all__ = ["Protection", "ProtectionRefused", "SdcPolicy", "ThresholdOverride", "protect"]
