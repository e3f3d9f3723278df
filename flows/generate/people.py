"""Who is arrested: a skewed population where most people are arrested once and a few very many times.

Each person has a date of birth, gender and ethnicity, so a repeat arrestee ages between arrests and keeps
the same gender; self-defined ethnicity is asked each time and sometimes not stated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flows.generate.clock import MIN_PER_DAY
from flows.generate.mix import draw_labels
from flows.generate.names import ETHNICITY_WEIGHTS, GENDER_WEIGHTS, NOT_STATED

MIN_PER_YEAR = 365.2425 * MIN_PER_DAY
REPEAT_SKEW = 2.5  # Zipf exponent of arrests per person: ~60% once, a long tail of prolific arrestees
NOT_STATED_SHARE = 0.08


@dataclass(frozen=True)
class People:
    """Per custody record: the arrested person's label, age at arrest, gender and stated ethnicity."""

    person: np.ndarray
    age: np.ndarray
    gender: np.ndarray
    ethnicity: np.ndarray
    count: int


def draw_people(rng: np.random.Generator, arrest_min: np.ndarray, single: np.ndarray, cap: int) -> People:
    """People for records arrested at `arrest_min`; records marked `single` each get a person of their own
    (immigration arrests are rarely of local repeat arrestees)."""
    repeat_idx, single_idx = np.flatnonzero(~single), np.flatnonzero(single)
    counts = _arrests_per_person(rng, repeat_idx.size, cap)
    person = np.empty(arrest_min.size, dtype=np.int64)
    person[repeat_idx] = rng.permutation(np.repeat(np.arange(counts.size), counts))
    person[single_idx] = counts.size + np.arange(single_idx.size)
    n_people = counts.size + single_idx.size

    seen = np.bincount(person, minlength=n_people)
    mean_min = np.bincount(person, weights=arrest_min, minlength=n_people) / np.maximum(seen, 1)
    typical_age = _typical_age(rng, n_people)
    is_single = np.zeros(n_people, dtype=bool)
    is_single[counts.size :] = True
    typical_age[is_single] = 18 + rng.gamma(3.0, 4.0, size=is_single.sum())
    birth_min = mean_min - typical_age * MIN_PER_YEAR
    age = np.clip(np.floor((arrest_min - birth_min[person]) / MIN_PER_YEAR), 10, 90).astype(np.int16)

    gender = draw_labels(rng, GENDER_WEIGHTS, n_people)[person].astype(np.int8)
    ethnicity = draw_labels(rng, ETHNICITY_WEIGHTS, n_people)[person].astype(np.int8)
    unstated = rng.random(arrest_min.size) < NOT_STATED_SHARE
    ethnicity[unstated] = list(ETHNICITY_WEIGHTS).index(NOT_STATED)
    label = rng.permutation(n_people)[person].astype(
        np.int32
    )  # refs must not reveal how often someone is seen
    return People(label, age, gender, ethnicity, n_people)


def _arrests_per_person(rng: np.random.Generator, n_records: int, cap: int) -> np.ndarray:
    if n_records == 0:
        return np.zeros(0, dtype=np.int64)
    counts = np.minimum(rng.zipf(REPEAT_SKEW, size=n_records), cap)
    cumulative = np.cumsum(counts)
    people = int(np.searchsorted(cumulative, n_records)) + 1
    counts = counts[:people].copy()
    counts[-1] -= cumulative[people - 1] - n_records
    return counts


def _typical_age(rng: np.random.Generator, n: int) -> np.ndarray:
    """Age around the middle of a person's arrests: mostly late teens to thirties, some older offenders."""
    young = 14 + rng.gamma(2.5, 7.0, size=n)
    older = 35 + rng.gamma(2.0, 9.0, size=n)
    return np.where(rng.random(n) < 0.08, older, young)
