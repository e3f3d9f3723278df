"""What disclosure control did, in general terms, for the notes and the letter, and the exemptions it supports.

Readers are told the method, the threshold, that further cells were withheld to stop back-calculation and
that categories were combined and why: never which ``[c]`` cells were the small ones (that would undo the
protection). s.40(2) (personal information) covers anything withheld to protect people; s.30(1)
(investigations) is added when withheld figures concern outcomes still pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.sdc.policy import SdcPolicy

S40 = "s.40(2)"
S30 = "s.30(1)"
REASONS = {
    S40: "small numbers could identify the people counted, and releasing them would breach the data protection "
    "principles",
    S30: "some withheld figures concern investigations whose outcome is still pending",
}


@dataclass
class Facts:
    """What happened, in kinds rather than cells."""

    strategy: str
    withheld: int = 0
    primary_kinds: set[str] = field(default_factory=set)  # "threshold", "person", "group", "upstream"
    secondary: int = 0
    collapsed: list[str] = field(
        default_factory=list
    )  # the notes collapsing wrote, one per dimension combined
    rounded: bool = False
    pending_withheld: bool = False
    overrides_used: bool = False
    public: str = ""  # the figures are already published there: nothing withheld
    zeros_withheld: bool = (
        False  # some [c] stands for a 0 (the group rule, or a breakdown zero withheld with others)
    )
    attempts: list[str] = field(default_factory=list)  # why earlier strategies were not used


def explain(facts: Facts, policy: SdcPolicy) -> tuple[list[str], list[str]]:
    """(notes for readers, FOIA sections relied on)."""
    k = policy.k
    notes: list[str] = []
    if facts.public:
        notes.append(
            f"These figures can be worked out by anyone from what the force already publishes on "
            f"{facts.public}, so none is withheld; they are reasonably accessible there (section 21 of "
            "the Freedom of Information Act)."
        )
    if facts.rounded:
        notes.append(
            f"To protect the people these figures count, every figure is rounded to the nearest "
            f"{policy.round_base}. [low] marks a figure that is not zero but rounds to zero. Totals are "
            "rounded separately, so they may not equal the sum of the rounded figures."
        )
    if facts.withheld:
        notes.append(
            f"To protect the people these figures count, numbers from 1 to {k - 1} are withheld and "
            "shown as [c]."
        )
        if facts.overrides_used:
            notes.append(
                "For some sensitive topics a higher threshold applies: "
                + "; ".join(f"{', '.join(o.labels)}: numbers below {o.k}" for o in policy.overrides)
                + "."
            )
        if "person" in facts.primary_kinds:
            notes.append(
                f"A figure is also withheld when it concerns fewer than {k} different people, even if it "
                "counts more events (several arrests of one person are one person)."
            )
        if "group" in facts.primary_kinds:
            notes.append(
                "Where everyone in a small group had the same outcome, some zeros in that group are "
                "also shown as [c], so that the outcome of everyone in it is not revealed."
            )
        if facts.secondary:
            notes.append(
                "Some further figures, which may include totals, are also shown as [c] so that withheld "
                "numbers cannot be worked out by adding or subtracting published figures."
            )
        if policy.zeros == "may_suppress":
            notes.append("A zero may also be shown as [c], so [c] does not mean that a figure is at least 1.")
        elif facts.zeros_withheld:
            notes.append(
                f"Zeros are shown as 0, except that in a breakdown by {policy.group_dimension.replace('_', ' ')} "
                "a zero may be shown as [c] like any other figure, so there [c] does not mean that a figure "
                "is at least 1."
            )
        else:
            notes.append("Zeros are shown as 0.")
    notes += facts.collapsed
    if facts.attempts:
        notes.append("Method chosen: " + "; ".join(facts.attempts) + ".")
    exemptions = []
    if facts.withheld or facts.collapsed or facts.rounded:
        exemptions.append(S40)
    if facts.pending_withheld:
        exemptions.append(S30)
    return notes, exemptions
