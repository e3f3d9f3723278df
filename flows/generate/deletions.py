"""Custody records deleted after they were delivered (created in error, duplicates merged, voided).

Opt-in (``generate(..., deleted_share=...)``): a deleted record is sent once more, in the first extract after
its deletion, with ``record_status`` deleted, and never again; changes to it after that are not delivered.
A record deleted before any extract showed it is never sent.
Deletions are drawn from their own random stream, so turning them on leaves every other record, date and
dirty cell of a run as it was.
"""

from __future__ import annotations

import numpy as np

from flows.generate.clock import NEVER, lognormal_minutes
from flows.generate.custody import CustodyState

MEDIAN_DAYS_TO_DELETION = 40.0


def draw_deletions(seed: int, state: CustodyState, share: float) -> np.ndarray:
    """Minute each record is deleted (NEVER for the records that are kept)."""
    if share <= 0:
        return np.full(state.size, NEVER, dtype=np.int64)
    rng = np.random.default_rng([seed, 0xDE1])
    chosen = rng.random(state.size) < share
    when = state.version_min[:, 0].astype(np.int64) + lognormal_minutes(
        rng, MEDIAN_DAYS_TO_DELETION, 0.8, state.size
    )
    return np.where(chosen, np.minimum(when, NEVER), NEVER)


def apply_deletions(routes: np.ndarray, deletion_route: np.ndarray, n_deliveries: int) -> np.ndarray:
    """The delivery that says each record is deleted (n_deliveries: none), with ``routes`` trimmed in place.

    A record deleted before any extract showed it is never sent at all; versions falling in or after the
    delivery that deletes a record are never sent (the deletion shows the record as it last was)."""
    first = routes[:, 0].astype(np.int64)
    unseen = deletion_route <= first
    routes[unseen, :] = n_deliveries
    deleted_in = np.where(unseen, n_deliveries, np.minimum(deletion_route, n_deliveries))
    for version in (1, 2):
        routes[routes[:, version] >= deleted_in, version] = n_deliveries
    return deleted_in.astype(np.int16)
