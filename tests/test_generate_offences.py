"""What the generator arrests people for: the whole standing data with a heavy head and a long tail, old codes
only in their years, and the facilitation codes a force near a port sees.

The force-scale claims are checked on the drawing distribution itself (shape.py: exact expectations, no rows);
a test then draws codes at realistic times and checks the draws agree with those expectations, and the tiny
run's files (re-read with the csv module) are checked against the reference data's own lists.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import datetime

import numpy as np
import pytest

from flows.contracts.offence_codes import is_well_formed_cjs
from flows.generate.arrest_head import HEAD
from flows.generate.clock import daily_counts, day_number, within_day, years_of
from flows.generate.custody import ARREST_DECLINE, ARREST_SEASON
from flows.generate.custody_mix import FACILITATION, IMMIGRATION
from flows.generate.local_codes import with_local_codes
from flows.generate.mix import draw_codes
from flows.generate.offence_tail import arrest_table
from flows.generate.reference import REFERENCE_DIR, load_reference
from flows.generate.scales import SCALES
from flows.generate.shape import offence_shape
from tests.generated import TODAY, latest_state, principal, read_all, tiny_run, when, without_dirty_rows

REFERENCE = load_reference()
STANDING = set(REFERENCE.cjs.codes)
LABELS = with_local_codes(REFERENCE.cjs)  # what generated codes index: the standing data, then local codes
CODES, GROUPS = np.array(LABELS.codes), np.array(LABELS.groups)
ACTS = np.array([c[:4] for c in LABELS.codes])  # two letters and the Act's year, or COML
#: the standing data's old codes (only on the PNC list), and the codes the generator dates by hand
PNC_ONLY = np.isin(
    CODES,
    [
        c
        for c, s in zip(REFERENCE.cjs.codes, REFERENCE.cjs_facts.source_lists, strict=True)
        if s == "pnc-ccjs"
    ],
)
HAND_DATED = {e.code for table in (HEAD, IMMIGRATION, FACILITATION) for e in table}


def _selections() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    with (REFERENCE_DIR / "offence_selections.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["selection"]].add(row["cjs_code"])
    return out


SELECTIONS = _selections()
#: s.25 with the conspiracy code the MPS request counts; then all four facilitation selections
S25 = SELECTIONS["assisting_unlawful_immigration"] | {"IM71142C"}
OTHER_FACILITATION = (
    "facilitating_asylum_seekers_for_gain",
    "assisting_entry_breach_of_deportation_order",
    "assisting_entry_of_excluded_person",
)
FACILITATION_CODES = S25 | {c for s in OTHER_FACILITATION for c in SELECTIONS[s]} | {"IM71105C"}
#: drink and drug driving, disqualified and uninsured driving, failing to surrender, breach of bail conditions,
#: recall, warrant, drunk and disorderly, obstruction, harassment, stalking, malicious communications, breach of
#: a restraining order and of a non-molestation order, criminal damage, sexual assault
COMMON_REASONS = (
    "RT88007", "RT88584", "RT88333", "RA88001", "BA76001", "BA76005", "CJ03004", "MC80522", "CJ67002", "PL96003",
    "PH97004", "PH97010", "MT88006", "SE20002", "FL96001", "CD71039", "SX03007",
)  # fmt: skip
PRE_2003 = {"IM71014", "IM71A06", "IM71082", "IM71081"}  # s.25 and s.25A as they stood before 2003


@pytest.fixture(scope="module")
def shape():
    return offence_shape(arrest_table(REFERENCE), CODES.size, TODAY, ARREST_DECLINE, ARREST_SEASON)


@pytest.fixture(scope="module")
def drawn():
    """200,000 offences drawn at times spread like arrests over 2013 to TODAY: (code index, year)."""
    rng = np.random.default_rng(7)
    n_days = day_number(TODAY)
    counts = daily_counts(rng, 200_000 * 14, n_days, ARREST_DECLINE, ARREST_SEASON)
    days = np.repeat(np.arange(n_days, dtype=np.int32), counts)
    minutes = np.sort(within_day(rng, rng.choice(days, size=200_000, replace=False)))
    code = draw_codes(rng, arrest_table(REFERENCE), minutes, {c: i for i, c in enumerate(CODES.tolist())})
    return code, years_of(minutes)


@pytest.fixture(scope="module")
def latest(tmp_path_factory):
    out, summary = tiny_run(tmp_path_factory)
    return latest_state(without_dirty_rows(read_all(out, summary), summary))


def test_a_force_uses_thousands_of_codes_but_300_make_most_arrests(shape):
    arrests = SCALES["force"].arrests
    assert shape.expected_distinct(arrests) >= 2_000
    assert shape.top_share(300) >= 0.80
    assert shape.expected_distinct(arrests) <= 0.5 * CODES.size  # a long tail, not every code in the book
    # at most 2% "Other / not classified" by the reference's rules (today only COML050, a catch-all code)
    assert shape.share_of(GROUPS == "NCL") <= 0.02


def test_draws_agree_with_the_distribution(shape, drawn):
    code, _ = drawn
    counts = np.bincount(code, minlength=CODES.size)
    distinct, expected = int((counts > 0).sum()), shape.expected_distinct(code.size)
    assert abs(distinct - expected) < 0.03 * expected, (distinct, expected)
    assert abs(np.sort(counts)[::-1][:300].sum() / code.size - shape.top_share(300)) < 0.01
    for group in ("VAP", "THF", "MOT", "BRE", "WAR", "REG"):
        assert abs((GROUPS[code] == group).mean() - shape.share_of(GROUPS == group)) < 0.005, group


def test_the_mix_has_what_custody_suites_see_beyond_notifiable_offences(shape):
    share = {g: shape.share_of(GROUPS == g) for g in set(GROUPS.tolist())}
    assert max(share, key=share.get) == "VAP" and share["THF"] > share["DRG"] > share["SEX"]
    assert share["POF"] > share["WPN"]
    assert 0.15 < sum(share[g] for g in ("MOT", "BRE", "WAR", "SUM")) < 0.35  # not notifiable: a real share
    for code in COMMON_REASONS:  # each at least 1 in 2,000 offences
        assert shape.probability[CODES == code].sum() > 0.0005, code
    variants = np.isin(
        CODES,
        [
            c
            for c, v in zip(REFERENCE.cjs.codes, REFERENCE.cjs_facts.variant, strict=True)
            if v != "substantive"
        ],
    )
    assert shape.share_of(variants) < 0.01  # attempts, aiding, conspiracy: rare as principal codes


def test_old_codes_fade_out_and_new_acts_wait_for_their_year(drawn):
    code, year = drawn
    tail_old = PNC_ONLY[code] & ~np.isin(CODES[code], list(HAND_DATED))
    early, late = tail_old[year <= 2015].mean(), tail_old[(year >= 2019) & (year <= 2020)].mean()
    assert early > 2 * late > 0
    assert not tail_old[year >= 2023].any()  # gone (recent Acts' historical codes run two years at most)
    for prefix, first_year in (("SE20", 2020), ("OS23", 2023), ("PU23", 2023), ("DA21", 2021)):
        years = year[ACTS[code] == prefix]
        assert years.size and years.min() >= first_year, prefix
    covid = np.isin(ACTS[code], ["CS20", "HI21", "RT20", "CI20", "HC20", "CH20", "ER20", "HR20"])
    assert covid.any() and set(year[covid].tolist()) <= {2020, 2021, 2022}


def test_replaced_codes_give_way_to_their_successors(drawn):
    code, year = drawn
    used = Counter(zip(CODES[code].tolist(), year.tolist(), strict=True))
    # breach of a restraining order on conviction: PH97003 (PNC list only) until the Sentencing Code, SE20002 after
    assert used["PH97003", 2019] > 0 and used["SE20002", 2019] == 0
    assert used["SE20002", 2024] > 0 and used["PH97003", 2024] == 0
    # drug driving over a specified limit (RT88584) from March 2015
    assert used["RT88584", 2014] == 0 and used["RT88584", 2016] > used["RT88340", 2016]


def test_a_few_local_codes_shaped_like_cjs_codes(latest):
    offences = [r["offence_code"] for rows in latest["custody"].values() for r in rows if r["offence_code"]]
    local = Counter(c for c in offences if c not in STANDING)
    assert 0.001 < sum(local.values()) / len(offences) < 0.008  # a few tenths of a per cent
    # well-formed, so ingest loads them as "Unrecognised offence code" rather than quarantining them
    assert len(local) >= 4 and all(is_well_formed_cjs(c) for c in local)
    # an Act the standing data knows, a number it does not
    assert {c[:4] for c in local} <= {c[:4] for c in STANDING}


def test_s25_arrests_in_every_year_of_the_mps_request_with_im71131(latest):
    arrests = [
        (t, r["offence_code"]) for r in principal(latest["custody"]) if (t := when(r, "arrest_datetime"))
    ]
    s25 = Counter((t.year, c) for t, c in arrests if c in S25)
    for year in range(2018, 2023):
        assert sum(n for (y, _), n in s25.items() if y == year) >= 1, year
    before_2022 = Counter({c: n for (y, c), n in s25.items() if 2018 <= y <= 2021})
    assert before_2022.most_common(1)[0][0] == "IM71131"  # the main s.25 code from 2003 to June 2022
    assert {c for _, c in s25} & {"IM71104"}  # the member-state limb appears too
    assert all(t < datetime(2024, 6, 28) for t, c in arrests if c == "IM71131")
    assert all(t >= datetime(2022, 6, 28) for t, c in arrests if c in {"IM71142", "IM71142C", "IM71143"})
    facilitation = [c for _, c in arrests if c in FACILITATION_CODES]
    assert sum(c in PRE_2003 for c in facilitation) <= 0.05 * len(facilitation)  # pre-2003 codes: a trickle


def test_immigration_offences_are_rare_but_present_in_the_foi_windows(latest):
    arrests = [
        (t, r["offence_code"]) for r in principal(latest["custody"]) if (t := when(r, "arrest_datetime"))
    ]
    facilitation = [t for t, c in arrests if c in FACILITATION_CODES and 2018 <= t.year <= 2022]
    all_2018_2022 = [t for t, _ in arrests if 2018 <= t.year <= 2022]
    assert 5 <= len(facilitation) <= 35
    assert len(facilitation) / len(all_2018_2022) < 0.02
    for year in (2014, 2015):
        july = [t for t, c in arrests if c.startswith("IM71") and t.year == year and t.month == 7]
        assert 2 <= len(july) <= 10
    immigration = [c for _, c in arrests if c.startswith("IM71")]
    assert len(immigration) / len(arrests) < 0.08
    new_codes = [t for t, c in arrests if c in {"IM71142", "IM71142C", "IM71143", "IM71133", "IM71134"}]
    assert new_codes and min(new_codes) >= datetime(2022, 6, 28)


def test_offence_mix_is_led_by_violence_theft_drugs_and_public_order(latest):
    groups = dict(zip(REFERENCE.cjs.codes, REFERENCE.cjs.groups, strict=True))
    mix = Counter(groups.get(r["offence_code"]) for r in principal(latest["custody"]))
    assert [g for g, _ in mix.most_common(2)] == ["VAP", "THF"]
    assert mix["DRG"] > mix["SEX"] and mix["POF"] > mix["WPN"]
    ho_groups = dict(zip(REFERENCE.ho.codes, REFERENCE.ho.groups, strict=True))
    crime_mix = Counter(ho_groups.get(rows[0]["ho_offence_code"]) for rows in latest["crime"].values())
    assert [g for g, _ in crime_mix.most_common(2)] == ["VAP", "THF"]
