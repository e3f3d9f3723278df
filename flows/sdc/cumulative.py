"""The cumulative check as suppression sees it: this release against every cell published before.

A new table is safe only together with everything already in the world. For each alternative being tried,
:meth:`Cumulative.published_before` names the new cells whose exact figure is already public (withholding
them would protect nothing), and :meth:`Cumulative.more_to_hide` audits all releases as one system over
population atoms (:func:`flows.sdc_audit.audit_populations`) and names published new cells to withhold,
smallest first, for each figure (earlier or new) that could be worked out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flows.contracts.tidy import TidyTable
from flows.sdc.heuristic import CannotProtect
from flows.sdc.history import Axes, PublishedCell, cells_of
from flows.sdc.policy import SdcPolicy
from flows.sdc.system import CellKey
from flows.sdc_audit.populations import audit_populations


class Cumulative:
    def __init__(
        self,
        history: Sequence[PublishedCell],
        populations: Mapping[str, Axes],
        release_id: str,
        as_at: str,
        policy: SdcPolicy,
    ) -> None:
        self.history = list(history)
        self.populations = populations
        self.release_id, self.as_at = release_id, as_at
        self.k, self.zeros_published, self.width = (
            policy.k,
            policy.zeros == "publish",
            policy.protection_width,
        )
        self.public = {_key(c) for c in self.history if isinstance(c.shown, int)}
        self.public_facts = frozenset(policy.public_facts)  # nothing to protect in these
        self.group = policy.group_dimension if policy.group_rule == "hide_zeros" else None

    def _cells(self, tables: list[TidyTable]) -> list[PublishedCell]:
        """A dimension collapsed away counts everything its labels did (its total)."""
        axes = {
            t.name: self.populations[t.name].keeping(t.dimension_names)
            for t in tables
            if t.name in self.populations
        }
        return cells_of(tables, axes, self.release_id, self.as_at, dict.fromkeys(axes, self.group))

    def published_before(self, tables: list[TidyTable]) -> list[CellKey]:
        """New cells whose exact figure (same population, same as-at) was published before as a number."""
        return [(c.table, c.labels, c.measure) for c in self._cells(tables) if _key(c) in self.public]

    def more_to_hide(self, flagged: list[TidyTable]) -> list[CellKey]:
        new = self._cells(flagged)
        result = audit_populations(
            [c.for_audit() for c in [*self.history, *new]],
            self.k,
            self.zeros_published,
            self.width,
            public=self.public_facts,
        )
        if result.passed:
            return []
        picks = []
        for problem in result.problems:
            exposed = problem.population
            shown = [
                c
                for c in new
                if isinstance(c.shown, int)
                and c.shown > 0
                and c.identity == problem.measure
                and exposed is not None
                and _overlap(c.population, exposed)
            ]
            anywhere = [
                c
                for c in new
                if isinstance(c.shown, int)
                and c.shown > 0
                and c.identity == problem.measure
                and _key(c) not in self.public
            ]
            for pool in (shown, anywhere):  # what overlaps the exposed figure first, else the smallest figure
                pool = [c for c in pool if _key(c) not in self.public]
                if pool:
                    pick = min(pool, key=lambda c: (c.shown, c.labels))
                    picks.append((pick.table, pick.labels, pick.measure))
                    break
        if not picks:
            raise CannotProtect(
                "with earlier releases, figures could be worked out and withholding more in this "
                "release cannot prevent it: " + result.summary()
            )
        return list(dict.fromkeys(picks))


def _key(c: PublishedCell) -> tuple:
    return c.as_at, c.identity, frozenset((axis, frozenset(values)) for axis, values in c.population.items())


def _overlap(a: Mapping[str, frozenset], b: Mapping[str, frozenset]) -> bool:
    return all(a[axis] & b.get(axis, a[axis]) for axis in a)
