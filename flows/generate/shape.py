"""What the arrest-offence distribution implies, computed from its weights without generating a row.

A force-scale run takes minutes; the claims about its shape (thousands of distinct codes, the commonest 300
making most arrests, almost nothing unclassified) follow from the drawing distribution alone. Each code's
probability is its share in every span between table changes, weighted by the arrests the calendar puts in
that span; the expected number of distinct codes among N draws is sum(1 - exp(-N p)) (Poisson).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from flows.generate.clock import daily_intensity, day_number
from flows.generate.mix import CodeTable


@dataclass(frozen=True)
class OffenceShape:
    probability: np.ndarray  # per code of the code list: the chance that a drawn offence is that code

    def expected_distinct(self, draws: float) -> float:
        return float((1 - np.exp(-draws * self.probability)).sum())

    def top_share(self, k: int) -> float:
        """The share of draws the k most probable codes take."""
        return float(np.sort(self.probability)[::-1][:k].sum())

    def share_of(self, mask: np.ndarray) -> float:
        return float(self.probability[mask].sum())


def offence_shape(table: CodeTable, n_codes: int, today: date, decline_per_year: float,
                  seasonal_amplitude: float) -> OffenceShape:  # fmt: skip
    """The mixture over 2013-01-01..`today` of the table's distribution, by the arrest calendar's volume."""
    n_days = day_number(today)
    volume = daily_intensity(n_days, decline_per_year, seasonal_amplitude)
    bounds = table.bounds()
    edges = np.concatenate([[0], bounds[(bounds > 0) & (bounds < n_days)], [n_days]]).astype(np.int64)
    probability = np.zeros(n_codes)
    for start, end in zip(edges[:-1], edges[1:], strict=True):
        per_code = np.bincount(table.code, weights=table.weights_on(int(start)), minlength=n_codes)
        probability += volume[start:end].sum() / volume.sum() * per_code / per_code.sum()
    return OffenceShape(probability)
