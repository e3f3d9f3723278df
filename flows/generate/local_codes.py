"""Codes a force invents: well-formed offence codes that are not in the standing data.

Custody systems let a force add its own codes, mostly for reasons to detain that are not offences (a warrant
circulated on the PNC, an arrest for another force, a production from prison, a place of safety under the
Mental Health Act) and for its own shorthand. They follow the CJS shape (an Act's letters and year, then a
number past any the Act uses: 9xx here) so a warehouse loads them and counts them as "Unrecognised offence
code" (UNR) rather than quarantining them. Together they are about 0.3% of offences.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.generate.mix import Weighted
from flows.generate.reference import CodeList

UNRECOGNISED = "UNR"  # the shared contract's group for a well-formed code the reference lacks
#: Policing and Crime Act 2017: a police station no longer a place of safety for a child, and rarely for an adult
PLACE_OF_SAFETY_LIMITED = date(2017, 12, 11)


@dataclass(frozen=True)
class LocalCode:
    code: str
    title: str
    weight: float  # on the scale of arrest_head.HEAD (about 102 in all)
    start: date | None = None
    end: date | None = None


LOCAL: tuple[LocalCode, ...] = (
    LocalCode("PL84901", "Wanted on warrant - circulated on PNC (local code)", 0.12),
    LocalCode("PL84902", "Arrested on behalf of another force (local code)", 0.06),
    LocalCode("PL84903", "Produced from prison for interview (local code)", 0.04),
    LocalCode("COML901", "Breach of the peace - detained to prevent (local code)", 0.03),
    LocalCode("BA76901", "Breach of police bail conditions (local code)", 0.03),
    LocalCode("CJ03901", "Recall to prison - licence revoked by Probation (local code)", 0.03),
    LocalCode("MH83901", "Detained under s.136 Mental Health Act - place of safety (local code)", 0.05, None,
              PLACE_OF_SAFETY_LIMITED),
    LocalCode("MH83901", "Detained under s.136 Mental Health Act - place of safety (local code)", 0.005,
              PLACE_OF_SAFETY_LIMITED),
    LocalCode("RT88901", "Failed roadside breath test (local code)", 0.02),
)  # fmt: skip


def with_local_codes(cjs: CodeList) -> CodeList:
    """The standing data's codes followed by the force's own (their group: unrecognised)."""
    local = {c.code: c.title for c in LOCAL}
    clash = set(local) & set(cjs.codes)
    if clash:
        raise ValueError(
            f"local codes {sorted(clash)} are in the standing data: pick numbers it does not use"
        )
    return CodeList(
        codes=(*cjs.codes, *local),
        titles=(*cjs.titles, *local.values()),
        groups=(*cjs.groups, *(UNRECOGNISED,) * len(local)),
    )


def local_entries() -> tuple[Weighted, ...]:
    return tuple(Weighted(c.code, c.weight, c.start, c.end) for c in LOCAL)
