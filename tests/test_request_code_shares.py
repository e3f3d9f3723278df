"""The notes' share of a table's population with unrecognised or unclassified codes: a whole per cent, halves
up, "less than 1%" below that, and no share at all for a population under 200 k, so no statement can confine
a count to 1..k-1."""

from __future__ import annotations

import pytest

from flows.requests.code_shares import CodeShares, share_notes, share_phrase


@pytest.mark.parametrize(
    ("count", "population", "k", "phrase"),
    [
        (0, 10, 5, "none"),
        (0, 100_000, 5, "none"),
        (1, 999, 5, None),
        (500, 999, 5, None),
        (1, 1_999, 10, None),
        (1, 1_000, 5, "less than 1%"),
        (9, 1_000, 5, "less than 1%"),
        (10, 1_000, 5, "1%"),
        (14, 1_000, 5, "1%"),
        (15, 1_000, 5, "2%"),
        (25, 1_000, 5, "3%"),
        (856, 1_000, 5, "86%"),
        (995, 1_000, 5, "more than 99%"),
        (1_000, 1_000, 5, "100%"),
    ],
)
def test_share_phrase(count, population, k, phrase):
    assert share_phrase(count, population, k) == phrase


@pytest.mark.parametrize("k", [3, 5, 10])
@pytest.mark.parametrize("population", [200 * 3, 200 * 5, 1_234, 200 * 10, 50_000])
def test_no_stated_share_confines_a_count_to_a_small_number(k, population):
    """Every count a stated phrase could stand for, from the phrase alone: the set is never inside 1..k-1 and,
    but for "100%" (the table's total, which is published anyway), holds at least k counts."""
    phrases = {}
    for count in range(population + 1):
        phrases.setdefault(share_phrase(count, population, k), []).append(count)
    for phrase, counts in phrases.items():
        if phrase in (None, "none"):
            continue
        assert not (min(counts) >= 1 and max(counts) <= k - 1), (phrase, counts[:10])
        assert phrase == "100%" or max(counts) - min(counts) + 1 >= k, (phrase, counts[:10])


def test_which_sentences_a_table_gets():
    shares = CodeShares(units=2_000, unrecognised=300, not_classified=0)
    both = share_notes(shares, unit="custody record", k=5, unrecognised=True, groups=True)
    assert both == [
        "15% of the arrests counted in this table had an offence code that is not in the reference data (a force's "
        "local code, or one newer than the standing data); they are counted under 'Unrecognised offence code'. The "
        "share is rounded to a whole per cent.",
        "None of the arrests counted had an offence that the reference data's rules place in no offence group.",
    ]
    assert share_notes(shares, unit="crime", k=5, unrecognised=False, groups=False) == []
    small = share_notes(CodeShares(50, 3, 0), unit="person", k=5, unrecognised=True, groups=False)
    assert small[0].startswith("Some of the people counted had") and "3" not in small[0]
