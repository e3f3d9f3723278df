"""Synthetic places and the fixed category labels written into extracts.

Every station and district name carries a curly apostrophe (’) or an en dash (–): their Windows-1252 bytes
(0x92, 0x96) are control characters in Latin-1, so a reader that guesses the wrong encoding is caught on every
row. The places are made up; no name belongs to a real person.
"""

from __future__ import annotations

PLACES = (
    "Ashby Cross", "Northgate", "Riverside", "Kingsmere", "Millbrook", "Harrow Vale", "Eastleigh Green",
    "Fenwick", "Holloway Lane", "Oakhampton", "Westmoor", "Brackley Heath", "Cinder Hill", "Dunmore",
    "Elmstead", "Foxley", "Greyfriars", "Hartwell", "Ivybridge Road", "Jarrow Fields", "Kestrel Park",
    "Longmead", "Marsh End", "Netherby", "Orchard Rise", "Pennington", "Quarry Bank", "Redcliffe",
    "Saltmarsh", "Thornbury", "Upton Weald", "Valley Road", "Whitmore", "Yardley Common",
)  # fmt: skip
POSSESSIVE = (
    "St Anne’s", "Bishop’s Wharf", "King’s Mead", "Queen’s Cross", "Abbot’s Ford", "Miller’s Green",
    "Friar’s Gate", "Dean’s Yard", "Smith’s Lane", "Prior’s Field", "Cooper’s Row", "St Giles’",
)  # fmt: skip
SECTORS = ("North", "South", "East", "West", "Central")
GENDERS = ("Male", "Female", "Unknown")
GENDER_WEIGHTS = {"Male": 84.0, "Female": 15.0, "Unknown": 1.0}

#: 2021 Census self-defined ethnicity (5+1 groups, detailed codes) as police systems record it; NS = not stated.
ETHNICITY_WEIGHTS = {
    "W1": 55.0, "W2": 1.0, "W3": 0.5, "W4": 0.3, "W9": 6.0,
    "B1": 4.0, "B2": 4.0, "B3": 2.5,
    "A1": 2.0, "A2": 3.5, "A3": 1.2, "A4": 0.4, "A5": 2.0,
    "M1": 2.0, "M2": 0.7, "M3": 0.6, "M4": 1.5,
    "O1": 0.6, "O9": 2.5,
    "NS": 8.0,
}  # fmt: skip
NOT_STATED = "NS"

AGENCIES = (
    "Example Constabulary", "British Transport Police", "Home Office Immigration Enforcement",
    "National Crime Agency", "Other police force",
)  # fmt: skip
OWN_FORCE, BTP, IMMIGRATION_ENFORCEMENT, NCA, OTHER_FORCE = range(len(AGENCIES))


def stations(n: int) -> tuple[str, ...]:
    """Custody suites: possessive places first, then '<place> – Custody' for larger forces."""
    names = [f"{p} Custody Suite" for p in POSSESSIVE] + [f"{p} – Custody" for p in PLACES]
    names += [f"{p} – {s} Custody" for s in SECTORS for p in PLACES]
    if n > len(names):
        raise ValueError(f"at most {len(names)} stations")
    return tuple(names[:n])


def districts(n: int) -> tuple[str, ...]:
    """Policing districts: '<place> – <sector>', one sector per place before any place gets a second."""
    names = [f"{p} – {s}" for s in SECTORS for p in PLACES + POSSESSIVE]
    if n > len(names):
        raise ValueError(f"at most {len(names)} districts")
    return tuple(names[:n])
