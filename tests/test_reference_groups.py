"""Every CJS code has exactly one offence group, and the groups are the ones the law gives.

HAND_CHECKED was written from the statutes and the Home Office Counting Rules (HOCR class in the comment), not
copied from the build output: a rule change that moves any of these codes fails here and must be argued. It
holds every code the product's tests, requests and generator use, and the tricky cases (s.5 Public Order Act
is notifiable since 2015, drink-driving is not, causing death by dangerous driving is violence, breach of a
restraining order or DAPO is harassment, failing to surrender to bail is not notifiable). Reads the committed
files only, so it runs without ../shared.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from flows.reference.group_rules import RuleError, read_groups, read_rules

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"

HAND_CHECKED = {
    # violence against the person
    "COML025": "VAP",  # murder (HOCR 1)
    "COML022": "VAP",  # manslaughter (HOCR 4.1)
    "OF61014": "VAP",  # threats to kill, OAPA s.16 (3B)
    "OF61016": "VAP",  # wounding with intent, OAPA s.18 (5A)
    "OF61102": "VAP",  # assault occasioning ABH, OAPA s.47 (8N)
    "CJ88001": "VAP",  # common assault, CJA 1988 s.39 (105A)
    "CJ88159": "VAP",  # common assault of an emergency worker (105A)
    "PL96001": "VAP",  # assault on a constable, Police Act 1996 s.89(1) (104)
    "CD98072": "VAP",  # racially or religiously aggravated wounding / GBH (8P)
    "CD98011": "VAP",  # racially aggravated harassment, CDA s.32 (8M)
    "PH97004": "VAP",  # harassment, PHA s.2 (8L)
    "PH97010": "VAP",  # stalking involving fear of violence, PHA s.4A (8Q)
    "SC15004": "VAP",  # controlling or coercive behaviour, SCA 2015 s.76 (8U)
    "PH97003": "VAP",  # breach of a restraining order (8L)
    "SE20002": "VAP",  # breach of a restraining order made on conviction, Sentencing Act 2020 (8L)
    "FL96001": "VAP",  # breach of a non-molestation order, FLA s.42A (8L)
    "DA21001": "VAP",  # breach of a domestic abuse protection order, DAA 2021 s.39 (8L)
    "RT88025": "VAP",  # causing death by dangerous driving, RTA s.1 (4.4)
    "RT88530": "VAP",  # causing death by driving while disqualified, RTA s.3ZC (4.9)
    "TH68162": "VAP",  # aggravated vehicle taking causing death (37.1)
    "MS15001": "VAP",  # holding a person in slavery or servitude, MSA 2015 s.1 (106)
    # sexual offences
    "SX03001": "SEX",  # rape of a girl aged 13-15 (19D)
    "SX03002": "SEX",  # rape of a woman 16 or over, SOA 2003 s.1 (19C)
    "SX03007": "SEX",  # sexual assault on a female, s.3 (20A)
    "SX03128": "SEX",  # exposure, s.66 (88E)
    "SX03248": "SEX",  # sending a photograph of genitals (cyberflashing), s.66A (88E)
    # robbery
    "TH68023": "ROB",  # robbery, TA 1968 s.8 (34)
    "TH68025": "ROB",  # assault with intent to rob (34)
    # theft offences
    "TH68001": "THF",  # theft from the person (39)
    "TH68010": "THF",  # theft from a shop (46)
    "TH68013": "THF",  # theft of a motor vehicle (48)
    "TH68026": "THF",  # burglary of a dwelling (28E)
    "TH68037": "THF",  # burglary other than a dwelling (30C)
    "TH68050": "THF",  # taking a motor vehicle without consent, s.12 (48), summary yet notifiable
    "TH68141": "THF",  # aggravated vehicle taking, dangerous driving (37.2)
    "TH68071": "THF",  # blackmail (35)
    "TH78011": "THF",  # making off without payment, TA 1978 s.3 (49A)
    "TH68010C": "THF",  # conspiracy to steal from a shop: a variant takes its base offence's group
    # criminal damage and arson
    "CD71015": "CDA",  # arson (56)
    "CD71038": "CDA",  # criminal damage over £5000 (58)
    "CD71039": "CDA",  # criminal damage under £5000 (58)
    "CD98022": "CDA",  # racially aggravated arson not endangering life (56B), not violence though it says 'life'
    "MD61001": "CDA",  # blocking a railway to obstruct, Malicious Damage Act 1861 s.35 (the Act's offences together)
    # drug offences
    "MD71210": "DRG",  # possession of cocaine (92D)
    "MD71211": "DRG",  # possession of heroin (92D)
    "MD71225": "DRG",  # possession of a class B drug (92E)
    "MD71230": "DRG",  # possession with intent to supply cocaine (92A)
    "MD71231": "DRG",  # possession with intent to supply heroin (92A)
    "MD71522": "DRG",  # production of cannabis resin (92A)
    "PS16001": "DRG",  # producing a psychoactive substance, PSA 2016 s.4
    "CE79034": "DRG",  # importing a class A drug, CEMA 1979 s.50 (92A)
    # possession of weapons
    "CJ88144": "WPN",  # bladed article in a public place, CJA s.139 (10D)
    "CJ88151": "WPN",  # offensive weapon on school premises (10C)
    "CJ88152": "WPN",  # bladed article on school premises (10D)
    "PC53001": "WPN",  # offensive weapon in a public place, PCA 1953 s.1 (10C)
    "FI68001": "WPN",  # possessing a firearm without a certificate, FA 1968 s.1 (10B)
    "FI68068": "WPN",  # firearm while committing a Schedule 1 offence (10A)
    "OW19004": "WPN",  # corrosive substance in a public place, OWA 2019 s.6
    # public order
    "PU86001": "POF",  # riot (66)
    "PU86002": "POF",  # violent disorder (62A)
    "PU86003": "POF",  # affray (66)
    "PU86004": "POF",  # fear or provocation of violence, POA s.4 (9A)
    "PU86116": "POF",  # intentional harassment, alarm or distress, s.4A (9A)
    "PU86149": "POF",  # harassment, alarm or distress, s.5: notifiable since April 2015 (9A)
    "CD98067": "POF",  # racially or religiously aggravated s.4A (9B)
    # miscellaneous crimes against society
    "COML030": "MCS",  # perverting the course of justice (79)
    "COML016": "MCS",  # escape from lawful custody (80)
    "PJ11001": "MCS",  # perjury (67)
    "TH68073": "MCS",  # handling stolen goods (54)
    "TH68078": "MCS",  # going equipped for theft (33)
    "FA06004": "MCS",  # possessing an article for use in fraud (33A)
    "CD71018": "MCS",  # threatening to destroy property (59)
    "CJ88115": "MCS",  # possessing an indecent photograph of a child (86)
    "SX56057": "MCS",  # keeping a brothel (24)
    "PC02001": "MCS",  # money laundering (38)
    "SU61001": "MCS",  # aiding and abetting suicide (76)
    "OF61106": "MCS",  # bigamy (26)
    "RT88026": "MCS",  # dangerous driving (802)
    "BA76007": "MCS",  # agreeing to indemnify a surety, Bail Act s.9 (83)
    "IM71014": "MCS",  # assisting illegal entry, IA 1971 s.25 before 2003 (99)
    "IM71104": "MCS",  # assisting unlawful immigration to a member State, s.25 (99)
    "IM71131": "MCS",  # facilitating a breach of immigration law, s.25 2003-2022 (99)
    "IM71142": "MCS",  # s.25 as amended 2022 (99)
    "IM71142C": "MCS",  # conspiracy to commit s.25 (99)
    "IM71105": "MCS",  # helping an asylum seeker to enter, s.25A (99)
    "IM71105C": "MCS",  # conspiracy to commit s.25A (99)
    "IM71143": "MCS",  # s.25A, 2022 code (99)
    "IM71106": "MCS",  # assisting entry in breach of a deportation order, s.25B (99)
    "IM71107": "MCS",  # assisting entry of an excluded person, s.25B (99)
    # fraud
    "FA06001": "FRD",  # fraud by false representation, FA 2006 s.2 (53)
    "CM90001": "FRD",  # unauthorised access to computer material (Action Fraud)
    # not notifiable
    "RT88333": "MOT",  # driving while disqualified, RTA s.103
    "RT88007": "MOT",  # driving with excess alcohol, RTA s.5
    "RT88009": "MOT",  # failing to provide a specimen of breath, RTA s.7
    "RT88003": "MOT",  # driving without due care and attention, RTA s.3
    "RA88001": "MOT",  # using a vehicle without insurance, RTA s.143
    "IM71002": "IMM",  # entering the UK without leave, IA 1971 s.24 (summary before 2022)
    "IM71003": "IMM",  # overstaying leave, s.24
    "IM71015": "IMM",  # harbouring an illegal entrant, old s.25(2) (summary)
    "IM71026": "IMM",  # using a false immigration document, s.26(1)(d)
    "IM71042": "IMM",  # obstructing an immigration officer, s.26(1)(g)
    "IM71128": "IMM",  # working when disqualified, s.24B
    "IM71133": "IMM",  # knowingly entering without leave, s.24(B1) (2022)
    "IM71134": "IMM",  # remaining beyond leave, s.24(C1) (2022)
    "IM71130": "BRE",  # breach of an immigration bail condition
    "BA76001": "BRE",  # failing to surrender to bail, Bail Act s.6
    "CJ03007": "BRE",  # remaining unlawfully at large after recall
    "AS14001": "BRE",  # breach of a criminal behaviour order
    "SX03244": "BRE",  # breach of a sexual harm prevention order (our reading: a breach, not a sexual offence)
    "COML004": "WAR",  # breach of the peace is not an offence
    "MC80517": "WAR",  # arrested on a Crown Court warrant
    "LG72002": "SUM",  # drunk in a public place, Licensing Act 1872 s.12
    "PL96003": "SUM",  # obstructing a constable, Police Act 1996 s.89(2)
    "HS74001": "REG",  # employer's general duty, Health and Safety at Work Act 1974 s.2
    "WC81001": "REG",  # killing a wild bird, Wildlife and Countryside Act 1981
    "AF06014": "REG",  # desertion, Armed Forces Act 2006 (service courts)
    "COML050": "NCL",  # 'any offence contrary to common law not listed elsewhere': no offence named
}


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def offences() -> dict[str, dict[str, str]]:
    return {r["cjs_code"]: r for r in _read("offences.csv")}


def test_hand_checked_codes_are_in_the_groups_the_law_gives(offences):
    assert len(HAND_CHECKED) >= 50 and len({c[:4] for c in HAND_CHECKED}) >= 25
    wrong = {
        c: (offences[c]["offence_group_code"], offences[c]["group_rule_id"])
        for c, g in HAND_CHECKED.items()
        if offences[c]["offence_group_code"] != g
    }
    assert wrong == {}


def test_every_code_has_exactly_one_known_group(offences):
    groups = {g["offence_group_code"]: g for g in _read("offence_groups.csv")}
    rows = _read("offences.csv")
    assert len(rows) == len(offences) > 24_000  # one row per code
    for r in rows:
        group = groups[r["offence_group_code"]]
        assert (
            r["offence_group"] == group["offence_group"] and r["is_notifiable"] == group["is_notifiable"]
        ), r
    assert "UNR" not in {
        r["offence_group_code"] for r in rows
    }  # unrecognised codes are assigned at ingest only


def test_unclassified_codes_are_only_the_ones_a_rule_leaves_out_on_purpose(offences):
    deliberate = {
        c
        for r in _read("offence_group_rules.csv")
        if r["offence_group_code"] == "NCL"
        for c in r["match"].split()
    }
    assert {c for c, r in offences.items() if r["offence_group_code"] == "NCL"} == deliberate


def test_every_rule_groups_something_and_every_code_names_its_rule(offences):
    rules = {r["rule_id"] for r in _read("offence_group_rules.csv")}
    used = Counter(r["group_rule_id"] for r in offences.values())
    assert set(used) <= rules and rules - set(used) == set()


def test_groups_are_listed_notifiable_first_in_display_order():
    groups = _read("offence_groups.csv")
    orders = [int(g["display_order"]) for g in groups]
    assert orders == sorted(orders) == list(range(1, len(groups) + 1))
    flags = [g["is_notifiable"] for g in groups]
    assert flags == sorted(flags, key=lambda f: {"true": 0, "false": 1, "": 2}[f])
    assert {"NCL", "UNR"} <= {g["offence_group_code"] for g in groups if not g["is_notifiable"]}


# ---- precedence and validation, on small rule files ----------------------------------------------------

GROUPS = REFERENCE / "offence_groups.csv"
HEADER = "rule_id,tier,act_prefix,match,offence_group_code,is_notifiable,reasoning\n"


def _code(code: str, title: str, category: str = "CE", recordable: bool = True, variant: str = "substantive"):
    from flows.reference.standing_data import StandingCode

    return StandingCode(code, title, "", category, recordable, False, "both", variant)


def _rules(tmp_path: Path, body: str):
    path = tmp_path / "rules.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return read_rules(path, read_groups(GROUPS))


def test_precedence_exception_proceeding_title_range_act_category(tmp_path):
    from flows.reference.group_rules import classify

    rules = _rules(
        tmp_path,
        (
            "cat,category,,CE,SUM,false,fallback\n"
            "act,act,AB12,,REG,false,the Act\n"
            "rng,range,AB12,AB12010..AB12019,MOT,false,a range\n"
            "ttl,title,AB12,assault,VAP,true,a title\n"
            "ttl2,title,,assault,SEX,true,a later title rule never beats an earlier one\n"
            "prc,proceeding,,VP,WAR,false,not an offence\n"
            "exc,code,,AB12011,DRG,true,an exception\n"
        ),
    )
    codes = [
        _code("AB12011", "assault in range"),
        _code("AB12012", "assault in range"),
        _code("AB12013", "other"),
        _code("AB12020", "other"),
        _code("CD34001", "other"),
        _code("CD34002", "anything", category="CM"),
        _code("AB12014", "assault application", category="VP"),
        _code("AB12012A", "attempt", variant="attempt"),
    ]
    got = {c: (g.group, g.rule_id) for c, g in classify(codes, rules).items()}
    assert got == {
        "AB12011": ("DRG", "exc"),
        "AB12012": ("VAP", "ttl"),
        "AB12013": ("MOT", "rng"),
        "AB12020": ("REG", "act"),
        "CD34001": ("SUM", "cat"),
        "CD34002": ("NCL", "none"),
        "AB12014": ("WAR", "prc"),
        "AB12012A": ("VAP", "ttl"),  # the attempt takes its base code's group and rule
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a,title,,x,VAP,false,why\n", "row 2, column is_notifiable"),
        ("a,title,,Assault,VAP,true,why\n", "row 2, column match: write the pattern in lower case"),
        ("a,title,,(,VAP,true,why\n", "row 2, column match: '(' is not a regular expression"),
        (
            "a,range,AB12,AB12001..AB12009,VAP,true,why\nb,range,AB12,AB12005..AB12020,VAP,true,why\n",
            "overlap",
        ),
        ("a,act,AB12,,VAP,true,why\nb,act,CD34 AB12,,SUM,false,why\n", "row 3: AB12 is already in rule a"),
        ("a,title,,x,NCL,,why\n", "NCL only by an exception"),
        ("a,code,,AB12001,VAP,true,\n", "row 2, column reasoning"),
        ("a,sideways,,x,VAP,true,why\n", "row 2, column tier"),
    ],
)
def test_bad_rules_are_refused_naming_row_and_column(tmp_path, body, message):
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace(".", r"\.")):
        _rules(tmp_path, body)


def test_an_exception_for_a_code_not_in_the_standing_data_is_refused(tmp_path):
    from flows.reference.group_rules import classify

    rules = _rules(tmp_path, "a,code,,ZZ99999,VAP,true,why\n")
    with pytest.raises(RuleError, match="ZZ99999"):
        classify([_code("AB12001", "x")], rules)
