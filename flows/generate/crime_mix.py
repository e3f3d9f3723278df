"""What crimes are recorded, and how they are resolved.

Weights are per cent of police recorded crime in England and Wales excluding fraud (Action Fraud records most
fraud, and the fraud codes in the list are kept for outcomes only). Burglary codes switch to the April 2017
classification, when the older codes became outcome-only. Outcome mixes differ by kind of crime: acquisitive
crime mostly ends "no suspect identified", violence often "victim does not support", and offences found by
the police (drugs, weapons, public order) are mostly charged or settled out of court.
"""

from __future__ import annotations

from datetime import date

from flows.generate.mix import Weighted as W

BURGLARY_2017 = date(2017, 4, 1)
MODERN_SLAVERY_ACT = date(2015, 7, 31)
_B = BURGLARY_2017

CRIMES: tuple[W, ...] = (
    # violence against the person
    W("1-4.1-4.10-4.2", 0.01), W("2", 0.015), W("5D", 0.4), W("5E", 0.05), W("8N", 8.5), W("8S", 0.2), W("8P", 0.08),
    W("4.4", 0.002), W("4.8", 0.004), W("4.6", 0.001), W("4.9", 0.002), W("4.7", 0.001), W("4.3", 0.0005),
    W("37.1", 0.0005), W("3B", 0.4), W("3A", 0.002), W("11A", 0.35), W("13", 0.02), W("14", 0.0005),
    W("36", 0.08), W("8Q", 0.5), W("105A", 9.0), W("104", 0.4), W("105B", 0.1), W("8M", 0.6),
    W("106", 0.05, MODERN_SLAVERY_ACT), W("8R", 4.0), W("8L", 5.5),
    # sexual offences
    W("19C", 0.55), W("19D", 0.12), W("19E", 0.06), W("19F", 0.04), W("19G", 0.03), W("19H", 0.03),
    W("20A", 0.6), W("20B", 0.12), W("17A", 0.06), W("17B", 0.05), W("21", 0.1), W("22A", 0.06), W("22B", 0.15),
    W("23", 0.01), W("70", 0.005), W("71", 0.05), W("72", 0.002), W("73", 0.02), W("88A", 0.06), W("88C", 0.01),
    W("88D", 0.002), W("88E", 0.3),
    # robbery
    W("34B", 1.3), W("34A", 0.15),
    # theft: burglary codes change in April 2017
    W("28A", 2.5, None, _B), W("28B", 0.9, None, _B), W("28C", 0.1, None, _B), W("28D", 0.03, None, _B),
    W("29", 0.03, None, _B), W("30A", 1.5, None, _B), W("30B", 0.4, None, _B), W("31", 0.005, None, _B),
    W("28E", 2.5, _B), W("28F", 0.9, _B), W("28G", 0.1, _B), W("28H", 0.03, _B), W("29A", 0.03, _B),
    W("30C", 1.5, _B), W("30D", 0.4, _B), W("31A", 0.005, _B),
    W("39", 1.5), W("44", 1.5), W("45", 3.5), W("126", 1.0), W("48", 1.7), W("37.2", 0.1), W("46", 6.5),
    W("49", 5.0), W("49A", 0.8), W("47", 0.05), W("41", 0.2), W("42", 0.01), W("35", 0.15), W("43", 0.05),
    W("40", 0.6),
    # criminal damage and arson
    W("58A", 1.8), W("58B", 0.9), W("58C", 2.3), W("58D", 2.4), W("58J", 0.1), W("56A", 0.1), W("56B", 0.4),
    # drugs, weapons, public order
    W("92A", 0.5), W("92C", 0.02), W("92D", 0.5), W("92E", 1.9),
    W("10A", 0.02), W("10B", 0.05), W("10C", 0.2), W("10D", 0.5), W("81", 0.05), W("90", 0.01),
    W("9A", 4.0), W("9B", 0.6), W("62A", 0.05), W("66", 0.8),
    # miscellaneous crimes against society
    W("86", 0.3), W("69", 0.01), W("59", 0.35), W("33", 0.08), W("99", 0.4), W("67", 0.002), W("26", 0.002),
    W("61", 0.04), W("54", 0.12), W("38", 0.05), W("95", 0.02), W("15", 0.0005), W("79", 0.12), W("33A", 0.03),
    W("814", 0.1), W("24", 0.002), W("27", 0.005), W("61A", 0.04), W("96", 0.01), W("60", 0.002), W("80", 0.005),
    W("76", 0.001), W("802", 0.07), W("83", 0.01),
)  # fmt: skip

#: outcome type -> weight, by kind of crime.
OUTCOME_PROFILES: dict[str, dict[int, float]] = {
    "acquisitive": {1: 5, 3: 1, 4: 0.5, 8: 1.5, 10: 0.5, 14: 15, 15: 4, 16: 8, 18: 62, 20: 1, 21: 1},
    "personal": {1: 8, 3: 1.5, 5: 0.05, 8: 2, 9: 0.5, 10: 1, 11: 0.1, 12: 0.2, 13: 0.2, 14: 10, 15: 10, 16: 45,
                 17: 0.3, 18: 12, 20: 2, 21: 4, 22: 0.5},
    "police_found": {1: 30, 2: 3, 3: 10, 6: 3, 7: 15, 8: 15, 10: 3, 15: 10, 16: 1, 18: 2, 20: 2, 21: 3, 22: 2},
    "shoplifting": {1: 18, 3: 4, 4: 1, 6: 2, 8: 5, 14: 10, 15: 8, 16: 5, 18: 45, 21: 2},
}  # fmt: skip
PROFILE_OF_GROUP = {
    "VAP": "personal", "SEX": "personal", "ROB": "acquisitive", "THF": "acquisitive", "CDA": "acquisitive",
    "FRD": "acquisitive", "DRG": "police_found", "WPN": "police_found", "POF": "police_found", "MCS": "police_found",
}  # fmt: skip
SHOPLIFTING = "46"

#: median days from recording to the outcome: quick to file "no suspect", slow to charge.
OUTCOME_MEDIAN_DAYS = {18: 12.0, 14: 25.0, 16: 30.0, 15: 60.0, 1: 50.0, 9: 90.0, 10: 40.0, 20: 15.0, 21: 45.0}
DEFAULT_MEDIAN_DAYS = 30.0
#: outcome types that did not exist yet: (type, first day, type used before then).
OUTCOME_INTRODUCED = ((21, date(2016, 4, 1), 10), (22, date(2019, 4, 1), 8))

CANCELLED_SHARE, TRANSFERRED_SHARE = 0.012, 0.004
