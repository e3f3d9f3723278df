"""What people are arrested for, and what happens to them in custody.

Weights are per cent of arrests, shaped like the Home Office arrest tables for England and Wales (violence,
theft, drugs and public order most common). Immigration Act 1971 offences are not in the main mix: they come
from their own rare process (see custody.py) so their counts stay small and controllable.
"""

from __future__ import annotations

from datetime import date

from flows.generate.mix import Weighted as W

EMERGENCY_WORKERS_ACT = date(2018, 11, 13)  # Assaults on Emergency Workers (Offences) Act 2018
DAPO_PILOT = date(2024, 11, 27)  # domestic abuse protection orders first available (pilot areas)
NABA_2022 = date(2022, 6, 28)  # Nationality and Borders Act 2022: new s.24/s.25/s.25A codes
IMMIGRATION_ACT_2016 = date(2016, 7, 12)  # s.24B illegal working offence
IMMIGRATION_BAIL = date(2018, 1, 15)  # immigration bail replaces temporary admission

MAIN: tuple[W, ...] = (
    W("CJ88001", 12.0), W("OF61102", 8.0), W("OF61016", 1.2), W("OF61014", 0.8), W("COML025", 0.15),
    W("CJ88159", 2.0, EMERGENCY_WORKERS_ACT), W("PL96001", 1.8, None, EMERGENCY_WORKERS_ACT),
    W("PL96001", 0.3, EMERGENCY_WORKERS_ACT), W("PH97010", 0.8), W("CD98072", 0.05),
    W("SX03002", 1.6), W("SX03007", 2.2), W("SX03001", 0.5),
    W("TH68023", 3.0),
    W("TH68010", 8.0), W("TH68001", 1.2), W("TH68013", 1.5), W("TH68026", 2.8), W("TH68037", 1.2), W("TH68073", 1.0),
    W("CD71039", 4.5), W("CD71038", 0.5), W("CD71015", 0.6),
    W("MD71210", 2.0), W("MD71211", 0.8), W("MD71225", 2.5), W("MD71230", 1.8), W("MD71231", 0.8), W("MD71522", 0.7),
    W("CJ88152", 0.15), W("CJ88151", 0.05), W("FI68068", 0.3),
    W("PU86003", 2.5), W("CD98067", 1.5), W("PU86001", 0.01),
    W("COML030", 0.4), W("FA06001", 1.5), W("RT88333", 1.5), W("DA21001", 0.3, DAPO_PILOT),
)

#: Immigration Act 1971 offences other than facilitation: illegal entry, overstaying, documents, working.
IMMIGRATION: tuple[W, ...] = (
    W("IM71002", 30, None, NABA_2022), W("IM71002", 3, NABA_2022),
    W("IM71003", 30, None, NABA_2022), W("IM71003", 3, NABA_2022),
    W("IM71133", 30, NABA_2022), W("IM71134", 27, NABA_2022),
    W("IM71026", 15), W("IM71042", 3), W("IM71015", 2),
    W("IM71128", 4, IMMIGRATION_ACT_2016), W("IM71130", 6, IMMIGRATION_BAIL),
)

#: s.25 assisting unlawful immigration, s.25A helping asylum seekers for gain, s.25B deportation/exclusion.
FACILITATION: tuple[W, ...] = (
    W("IM71104", 55, None, NABA_2022), W("IM71104", 5, NABA_2022),
    W("IM71142", 45, NABA_2022), W("IM71142C", 10, NABA_2022), W("IM71014", 0.3),
    W("IM71105", 25, None, NABA_2022), W("IM71105", 2, NABA_2022), W("IM71105C", 3),
    W("IM71143", 25, NABA_2022),
    W("IM71106", 4), W("IM71107", 3),
)

#: yearly level of immigration arrests (step changes from the given day): high to 2015, the Calais summer,
#: lower after the 2018 Windrush review and through lockdown, up again with small-boat arrivals.
IMMIGRATION_TREND = ((date(2013, 1, 1), 1.2), (date(2016, 1, 1), 1.0), (date(2018, 4, 1), 0.7), (date(2022, 1, 1), 0.9))
#: facilitation (smuggling) arrests grow with organised small-boat crossings from 2020.
FACILITATION_TREND = ((date(2013, 1, 1), 0.8), (date(2018, 1, 1), 1.0), (date(2020, 1, 1), 1.3), (date(2023, 1, 1), 1.5))

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
    (None, _disposal_weights(charged=24, bailed=30, rui=3, nfa=26, caution=8, community=4, penalty=2, transferred=2, other=1)),
    (BAIL_REFORM, _disposal_weights(charged=24, bailed=8, rui=30, nfa=25, caution=6, community=4, penalty=1, transferred=1.5, other=0.5)),
    (BAIL_REFORM_2022, _disposal_weights(charged=24, bailed=18, rui=20, nfa=25, caution=5, community=5, penalty=1, transferred=1.5, other=0.5)),
)
INITIAL_IMMIGRATION = _disposal_weights(charged=15, rui=12, bailed=8, nfa=15, transferred=45, other=5)
INITIAL_FACILITATION = _disposal_weights(charged=35, rui=25, bailed=20, nfa=15, transferred=5)
FINAL_AFTER_BAIL = _disposal_weights(charged=45, nfa=40, caution=6, community=4, other=2, transferred=3)
FINAL_AFTER_RUI = _disposal_weights(charged=28, nfa=58, caution=6, community=5, other=3)
BAIL_MEDIAN_DAYS, RUI_MEDIAN_DAYS = 80.0, 160.0
