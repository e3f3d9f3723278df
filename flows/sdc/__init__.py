"""Statistical disclosure control. Usable without Prefect: tidy tables in, flagged tidy tables out.

:func:`flows.sdc.protect.protect` is the entry point (its module says in what order to read the rest), with
:class:`flows.sdc.policy.SdcPolicy`; releases apply it through :mod:`flows.release.protection`. Nothing is
imported here: the publication record reads :mod:`flows.sdc.history` on every run, and must not load the
solver (SciPy, HiGHS) to do so.
"""
