"""Which records go into which extract, and in what state.

Every change to a record (it appears, its disposal or outcome changes, it is cancelled) is routed to the first
extract taken after it. A partial extract holds the records changed since the previous extract; a full one
holds every record known so far. Either way a record is shown at its latest state known at that extract.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from flows.generate.crime import CrimeState
from flows.generate.custody import CustodyState
from flows.generate.schedule import Delivery


def route(event_min: np.ndarray, schedule: list[Delivery]) -> np.ndarray:
    """Index of the first delivery strictly after each event; len(schedule) = never delivered."""
    at = np.array([d.minute for d in schedule], dtype=np.int64)
    return np.searchsorted(at, event_min, side="right").astype(np.int16)


def custody_routes(state: CustodyState, schedule: list[Delivery]) -> np.ndarray:
    """(records, 3): the delivery in which each version first appears."""
    return route(state.version_min, schedule)


def crime_routes(state: CrimeState, schedule: list[Delivery]) -> dict[str, np.ndarray]:
    return {
        "recorded": route(state.recorded_min, schedule),
        "outcome": route(state.outcome_min, schedule),
        "status": route(state.status_min, schedule),
    }


def custody_in(
    routes: np.ndarray, delivery: Delivery, chunk: int, deleted_in: np.ndarray | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(records, version shown, shown as deleted) for `delivery`, `chunk` records at a time, in arrest order.

    `deleted_in` (deletions.py) is the delivery that says each record is deleted: the record is in that
    delivery, marked deleted, and in no later one."""
    d = delivery.index
    gone = np.zeros(routes.shape[0], dtype=bool) if deleted_in is None else deleted_in < d
    deleting = np.zeros(routes.shape[0], dtype=bool) if deleted_in is None else deleted_in == d
    if delivery.kind == "full":
        recs = np.flatnonzero((routes[:, 0] <= d) & ~gone)
    else:
        recs = np.flatnonzero(((routes == d).any(axis=1) | deleting) & ~gone)
    for start in range(0, max(recs.size, 1), chunk):
        part = recs[start : start + chunk]
        version = np.where(routes[part, 2] <= d, 2, np.where(routes[part, 1] <= d, 1, 0)).astype(np.int8)
        yield part, version, deleting[part]


def crimes_in(routes: dict[str, np.ndarray], delivery: Delivery, chunk: int) -> Iterator[np.ndarray]:
    """Crimes for `delivery`, `chunk` at a time, in recording order."""
    d = delivery.index
    if delivery.kind == "full":
        crimes = np.flatnonzero(routes["recorded"] <= d)
    else:
        crimes = np.flatnonzero(
            (routes["recorded"] == d) | (routes["outcome"] == d) | (routes["status"] == d)
        )
    for start in range(0, max(crimes.size, 1), chunk):
        yield crimes[start : start + chunk]


def latest_offence_rows(
    state: CustodyState, routes: np.ndarray, last: int, deleted_in: np.ndarray | None = None
) -> int:
    """Offence rows of all delivered records at their latest delivered version (what the warehouse should hold):
    a record whose deletion has been delivered holds none."""
    delivered = routes[:, 0] <= last
    if deleted_in is not None:
        delivered &= deleted_in > last
    later = (routes[:, 1] <= last) | (routes[:, 2] <= last)
    return int((state.n_off[delivered] - (state.drop_last & later)[delivered]).sum())
