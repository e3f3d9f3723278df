"""The long tail of arrest offences: every other code of the standing data, with Zipf-like weights.

A force's custody records use thousands of codes, most of them a handful of times a year. After the
hand-weighted head (arrest_head.py), the remaining codes are ranked by how likely a custody suite is to see
them (recordable criminal offences first, current before historical; substantive before attempts, aiding
and conspiracy; criminal before regulatory; a fixed seeded shuffle within each tier) and weighted (rank + ZIPF_OFFSET) **
-ZIPF_EXPONENT: the ranks continue the head's, so the tail's commonest code is about as common as the head's
rarest, and the commonest few hundred codes still make most arrests. Dates come from the codes themselves:

- a code of an Act of 2013 or later (the two digits after the Act letters, unless a title of the Act's codes
  names an older year with those digits: VG24 is the Vagrancy Act 1824) is not used before 1 January of that
  year, so the coronavirus regulations' codes appear only from 2020;
- a code only on the PNC list (the standing data's historical codes) is used at full weight to 2015, then
  fades out and is gone from 2021 (HISTORICAL_FADE); one of an Act of 2013 or later (the coronavirus
  regulations of 2020 and 2021, say) is used for HISTORICAL_RECENT_YEARS from its Act's year, then no more.

Court processes that are never a reason for arrest (applications, appeals, complaints, reviews: PROCESS) are
never drawn. The weights depend only on the reference data, so a test can compute the distribution's
expectations exactly (shape.py).
"""

from __future__ import annotations

import re
import zlib
from datetime import date

import numpy as np

from flows.generate import custody_mix
from flows.generate.arrest_head import HEAD
from flows.generate.clock import day_number
from flows.generate.local_codes import local_entries, with_local_codes
from flows.generate.mix import ALWAYS_FROM, NEVER_UNTIL, CodeTable
from flows.generate.reference import CodeList, Reference, StandingFacts

TAIL_WEIGHT = 20.0  # against the head's weights (about 102): the tail is about 16 per cent of offences
ZIPF_EXPONENT = 2.5
ZIPF_OFFSET = len({e.code for e in HEAD})  # the tail's ranks continue the head's
#: fixes the shuffle within tiers (not the run's seed: the distribution is a constant of the generator)
TAIL_ORDER_SEED = 20_261_121
#: (first day, weight factor) steps for codes only on the PNC list: full weight to 2015, none from 2021.
HISTORICAL_FADE = ((date(2016, 1, 1), 0.4), (date(2019, 1, 1), 0.12), (date(2021, 1, 1), 0.0))
HISTORICAL_RECENT_YEARS = 2
PROCESS = re.compile(
    r"^(application|appeal|complaint|review|further consideration|consideration|proceedings|registration|"
    r"transfer of|matter of complaint)\b", re.IGNORECASE)  # fmt: skip
#: codes of Acts before 2013 are valid throughout (the generated span starts in 2013)
FIRST_DATED_ACT_YEAR, LAST_ACT_YEAR = 2013, 2026


def arrest_table(reference: Reference) -> CodeTable:
    """What the main volume of arrests is for: the hand-weighted head, the force's local codes, then the tail
    of every other code; codes index `with_local_codes(reference.cjs)`.

    Codes of the rare immigration process's tables are left to that process, so its counts stay controllable.
    """
    index = {code: i for i, code in enumerate(with_local_codes(reference.cjs).codes)}
    hand = {e.code for table in (HEAD, custody_mix.IMMIGRATION, custody_mix.FACILITATION) for e in table}
    return CodeTable.concat(
        CodeTable.of(HEAD, index),
        CodeTable.of(local_entries(), index),
        tail_table(reference.cjs, reference.cjs_facts, hand),
    )


def tail_table(cjs: CodeList, facts: StandingFacts, exclude: set[str]) -> CodeTable:
    """Every code not in `exclude` (the hand-weighted tables) and not a court process, Zipf-weighted by rank."""
    candidates = [
        i for i, code in enumerate(cjs.codes) if code not in exclude and not PROCESS.match(cjs.titles[i])
    ]
    ranked = sorted(candidates, key=lambda i: (tier(i, cjs, facts), _shuffle_key(cjs.codes[i])))
    weight = (np.arange(1, len(ranked) + 1, dtype=np.float64) + ZIPF_OFFSET) ** -ZIPF_EXPONENT
    weight *= TAIL_WEIGHT / weight.sum()
    code = np.array(ranked, dtype=np.int32)
    old_acts = _old_acts(cjs)
    start = np.array([act_start(cjs.codes[i], old_acts) for i in ranked], dtype=np.int32)
    historical = np.array([facts.source_lists[i] == "pnc-ccjs" for i in ranked])
    current = CodeTable(
        code[~historical],
        weight[~historical],
        start[~historical],
        np.full((~historical).sum(), NEVER_UNTIL, dtype=np.int32),
    )
    return CodeTable.concat(current, *_faded(code[historical], weight[historical], start[historical]))


def tier(i: int, cjs: CodeList, facts: StandingFacts) -> int:
    """How commonly a custody suite sees a code, 0 commonest: recordable criminal offences (current, then the
    historical ones that were current in the early years); then other current codes; variants and minor
    regulatory offences last."""
    historical = facts.source_lists[i] == "pnc-ccjs"
    regulatory = cjs.groups[i] == "REG"
    if facts.variant[i] != "substantive" or (regulatory and (historical or not facts.recordable[i])):
        return 3
    if facts.recordable[i] and not regulatory and cjs.groups[i] != "WAR":
        return 1 if historical else 0
    return 3 if historical else 2


def act_start(code: str, old_acts: frozenset[str] = frozenset()) -> int:
    """The first day a code can be used: 1 January of its Act's year when that is 2013 or later."""
    digits = code[2:4]
    if not digits.isdigit() or code[:4] in old_acts:
        return ALWAYS_FROM  # common law (COML), or an Act of the 19th or early 20th century
    year = 2000 + int(digits)
    return day_number(date(year, 1, 1)) if FIRST_DATED_ACT_YEAR <= year <= LAST_ACT_YEAR else ALWAYS_FROM


def _old_acts(cjs: CodeList) -> frozenset[str]:
    """Act prefixes whose two digits are an old year a title names (VG24: "... Vagrancy Act 1824")."""
    return frozenset(
        code[:4]
        for code, title in zip(cjs.codes, cjs.titles, strict=True)
        if code[2:4].isdigit() and re.search(rf"\b1[89]{code[2:4]}\b", title)
    )


def _faded(code: np.ndarray, weight: np.ndarray, start: np.ndarray) -> list[CodeTable]:
    """Historical codes: those of recent Acts for a few years from their start; the rest as one table per fade
    step, the weight times the step's factor until the next step."""
    recent = start != ALWAYS_FROM
    years = np.int32(round(HISTORICAL_RECENT_YEARS * 365.25))
    tables = [CodeTable(code[recent], weight[recent], start[recent], start[recent] + years)]
    steps = [(ALWAYS_FROM, 1.0), *((day_number(d), f) for d, f in HISTORICAL_FADE)]
    for (begin, factor), (end, _) in zip(steps, [*steps[1:], (NEVER_UNTIL, 0.0)], strict=True):
        if factor > 0:
            tables.append(
                CodeTable(
                    code[~recent],
                    weight[~recent] * factor,
                    np.full((~recent).sum(), begin, np.int32),
                    np.full((~recent).sum(), end, dtype=np.int32),
                )
            )
    return tables


def _shuffle_key(code: str) -> int:
    return zlib.crc32(f"{TAIL_ORDER_SEED}:{code}".encode())
