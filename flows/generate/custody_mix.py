"""What the rare immigration process arrests people for, and what happens to people in custody.

The main volume of arrests draws its offences from arrest_head.py and offence_tail.py. Immigration Act 1971
offences come from their own rare process (see custody.py) so their counts stay small and controllable: a
force near a port sees a few facilitation (smuggling) arrests a month, and FOI requests ask about exactly those.
"""

from __future__ import annotations

from datetime import date

from flows.generate.mix import Weighted as W

NABA_2022 = date(2022, 6, 28)  # Nationality and Borders Act 2022: new s.24/s.25/s.25A codes
IMMIGRATION_ACT_2016 = date(2016, 7, 12)  # s.24B illegal working offence
IMMIGRATION_BAIL = date(2018, 1, 15)  # immigration bail replaces temporary admission
NABA_YEAR_ON, NABA_TWO_YEARS_ON = (
    date(2023, 6, 28),
    date(2024, 6, 28),
)  # old codes, for offences before the change

#: Immigration Act 1971 offences other than facilitation: illegal entry, overstaying, documents, working.
IMMIGRATION: tuple[W, ...] = (
    W("IM71002", 30, None, NABA_2022),
    W("IM71002", 3, NABA_2022),
    W("IM71003", 30, None, NABA_2022),
    W("IM71003", 3, NABA_2022),
    W("IM71133", 30, NABA_2022),
    W("IM71134", 27, NABA_2022),
    W("IM71026", 15),
    W("IM71042", 3),
    W("IM71015", 2),
    W("IM71128", 4, IMMIGRATION_ACT_2016),
    W("IM71130", 6, IMMIGRATION_BAIL),
)

#: s.25 assisting unlawful immigration, s.25A helping asylum seekers for gain, s.25B deportation/exclusion, in the
#: proportions a force near a port sees. From 2003 to 28 June 2022 the main s.25 code is IM71131 (facilitating a
#: breach of immigration law), with IM71104 for the member-state limb; since then IM71142 (and its conspiracy
#: code). Old codes linger for offences committed before a change: the pre-2003 s.25 and s.25A codes (IM71014,
#: IM71A06, IM71082, IM71081) only as a trickle, IM71131 and IM71104 for two years after 2022.
FACILITATION: tuple[W, ...] = (
    W("IM71131", 45, None, NABA_2022),
    W("IM71131", 4, NABA_2022, NABA_YEAR_ON),
    W("IM71131", 1, NABA_YEAR_ON, NABA_TWO_YEARS_ON),
    W("IM71104", 12, None, NABA_2022),
    W("IM71104", 1, NABA_2022, NABA_TWO_YEARS_ON),
    W("IM71142", 50, NABA_2022),
    W("IM71142C", 8, NABA_2022),
    W("IM71014", 0.3),
    W("IM71A06", 0.1),
    W("IM71082", 0.1),
    W("IM71081", 0.1),
    W("IM71105", 9, None, NABA_2022),
    W("IM71105", 1, NABA_2022, NABA_TWO_YEARS_ON),
    W("IM71105C", 1.5),
    W("IM71143", 9, NABA_2022),
    W("IM71106", 3),
    W("IM71107", 2),
)

#: yearly level of immigration arrests (step changes from the given day): high to 2015, the Calais summer,
#: lower after the 2018 Windrush review and through lockdown, up again with small-boat arrivals.
IMMIGRATION_TREND = (
    (date(2013, 1, 1), 1.2),
    (date(2016, 1, 1), 1.0),
    (date(2018, 4, 1), 0.7),
    (date(2022, 1, 1), 0.9),
)
#: facilitation (smuggling) arrests grow with organised small-boat crossings from 2020.
FACILITATION_TREND = (
    (date(2013, 1, 1), 0.8),
    (date(2018, 1, 1), 1.0),
    (date(2020, 1, 1), 1.3),
    (date(2023, 1, 1), 1.5),
)

OFFENCES_PER_RECORD = {1: 70.0, 2: 18.0, 3: 8.0, 4: 4.0}

DISPOSALS = (
    "Charged", "Released under investigation", "Bailed", "No further action", "Caution",
    "Community resolution", "Penalty notice", "Transferred", "Other",
)  # fmt: skip
CHARGED, RUI, BAILED, NFA, CAUTION, COMMUNITY, PENALTY, TRANSFERRED, OTHER = range(len(DISPOSALS))
PENDING = (RUI, BAILED)

BAIL_REFORM = date(2017, 4, 3)  # Policing and Crime Act 2017: pre-charge bail limited, RUI common
BAIL_REFORM_2022 = date(2022, 10, 28)  # Police, Crime, Sentencing and Courts Act 2022: bail presumption back


def _disposal_weights(**w: float) -> tuple[float, ...]:
    names = ("charged", "rui", "bailed", "nfa", "caution", "community", "penalty", "transferred", "other")
    return tuple(w.get(n, 0.0) for n in names)


#: the disposal when a person leaves custody, by era (bail and RUI swap places after the 2017 reform).
INITIAL_BY_ERA = (
    (
        None,
        _disposal_weights(
            charged=24, bailed=30, rui=3, nfa=26, caution=8, community=4, penalty=2, transferred=2, other=1
        ),
    ),
    (
        BAIL_REFORM,
        _disposal_weights(
            charged=24,
            bailed=8,
            rui=30,
            nfa=25,
            caution=6,
            community=4,
            penalty=1,
            transferred=1.5,
            other=0.5,
        ),
    ),
    (
        BAIL_REFORM_2022,
        _disposal_weights(
            charged=24,
            bailed=18,
            rui=20,
            nfa=25,
            caution=5,
            community=5,
            penalty=1,
            transferred=1.5,
            other=0.5,
        ),
    ),
)
INITIAL_IMMIGRATION = _disposal_weights(charged=15, rui=12, bailed=8, nfa=15, transferred=45, other=5)
INITIAL_FACILITATION = _disposal_weights(charged=35, rui=25, bailed=20, nfa=15, transferred=5)
FINAL_AFTER_BAIL = _disposal_weights(charged=45, nfa=40, caution=6, community=4, other=2, transferred=3)
FINAL_AFTER_RUI = _disposal_weights(charged=28, nfa=58, caution=6, community=5, other=3)
BAIL_MEDIAN_DAYS, RUI_MEDIAN_DAYS = 80.0, 160.0
#: facilitation cases are organised-crime investigations (often with the NCA or Immigration Enforcement, evidence
#: from abroad): their suspects wait years, not months, for a charging decision, as the MPS seed's s.30 reflects
FACILITATION_SLOWER = 8.0
