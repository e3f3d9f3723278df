"""Great Expectations is imported here, once per process.

Importing GX costs 3-5 s. Validation runs it in a child process (:mod:`flows.validate.gx_process`); Data
Docs import it here. GX's modules import each other circularly, so two threads importing GX at the same time
deadlock: every GX user calls :func:`gx_ready` first, which waits for the one import (and the ephemeral
context it builds) to finish.
"""

from __future__ import annotations

import threading
from functools import cache

_IMPORTING = threading.RLock()


def gx_ready():
    """The batch definition every suite validates through (GX imported and its context built, once)."""
    with _IMPORTING:
        return _batch_definition()


@cache
def _batch_definition():
    """One ephemeral GX context, with a pandas asset whose batches are whole frames."""
    import great_expectations as gx
    import great_expectations.core.expectation_suite  # noqa: F401 - the suites' loader needs it
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("disclose_checks").add_dataframe_asset("check_query_result")
    return asset.add_batch_definition_whole_dataframe("whole_result")
