"""Rebuild data/reference/offences.csv from the public CJS code lists (run by hand, output committed).

Usage: python -m flows.reference.build ../shared/reference/cjs_offence_codes

Why a curated list: the CJS standing data holds ~19,000 codes; a force's custody extracts use a few hundred.
We keep the codes the product (and its synthetic generator) uses, each with its offence group. There is no
authoritative CJS -> Home Office offence group mapping in the public material we have, so the group is our
decision, made by the Act and section the code belongs to; the reasoning column says why.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

# Home Office "reason for arrest (offence group)" headings used in Police Powers and Procedures.
GROUPS = {
    "VAP": "Violence against the person",
    "SEX": "Sexual offences",
    "ROB": "Robbery",
    "THF": "Theft offences",
    "CDA": "Criminal damage and arson",
    "DRG": "Drug offences",
    "WPN": "Possession of weapons offences",
    "POF": "Public order offences",
    "MCS": "Miscellaneous crimes against society",
    "FRD": "Fraud offences",
    "OTH": "Other offences",
}

# code -> (group, reasoning). Variants (A attempt, B aid/abet, C conspiracy) are listed where used.
CURATED: dict[str, tuple[str, str]] = {
    "COML025": ("VAP", "Murder (common law): homicide"),
    "OF61016": ("VAP", "OAPA 1861 s.18 wounding with intent"),
    "OF61102": ("VAP", "OAPA 1861 s.47 assault occasioning ABH"),
    "OF61014": ("VAP", "OAPA 1861 s.16 threats to kill"),
    "CJ88001": ("VAP", "CJA 1988 s.39 common assault"),
    "CJ88159": ("VAP", "Assault of an emergency worker"),
    "PL96001": ("VAP", "Police Act 1996 s.89 assault on a constable"),
    "PH97010": ("VAP", "Protection from Harassment Act: stalking with fear of violence"),
    "CD98072": ("VAP", "Racially/religiously aggravated wounding/GBH"),
    "SX03002": ("SEX", "SOA 2003 s.1 rape of a woman 16 or over"),
    "SX03007": ("SEX", "SOA 2003 s.3 sexual assault on a female"),
    "SX03001": ("SEX", "SOA 2003 rape of a child 13-15"),
    "TH68023": ("ROB", "Theft Act 1968 s.8 robbery"),
    "TH68001": ("THF", "Theft Act 1968 theft from the person"),
    "TH68010": ("THF", "Theft Act 1968 theft from a shop"),
    "TH68013": ("THF", "Theft Act 1968 theft of a motor vehicle"),
    "TH68026": ("THF", "Theft Act 1968 s.9 burglary dwelling"),
    "TH68037": ("THF", "Theft Act 1968 s.9 burglary other than dwelling"),
    "TH68073": ("THF", "Theft Act 1968 s.22 handling stolen goods"),
    "CD71039": ("CDA", "Criminal Damage Act 1971 criminal damage under £5000"),
    "CD71038": ("CDA", "Criminal Damage Act 1971 criminal damage over £5000"),
    "CD71015": ("CDA", "Criminal Damage Act 1971 arson"),
    "MD71210": ("DRG", "Misuse of Drugs Act 1971 possession, class A (cocaine)"),
    "MD71211": ("DRG", "Misuse of Drugs Act 1971 possession, class A (heroin)"),
    "MD71225": ("DRG", "Misuse of Drugs Act 1971 possession, class B (other)"),
    "MD71230": ("DRG", "Misuse of Drugs Act 1971 possession with intent to supply, class A (cocaine)"),
    "MD71231": ("DRG", "Misuse of Drugs Act 1971 possession with intent to supply, class A (heroin)"),
    "MD71522": ("DRG", "Misuse of Drugs Act 1971 production, class B (cannabis resin)"),
    "CJ88152": ("WPN", "CJA 1988 bladed article on school premises"),
    "CJ88151": ("WPN", "CJA 1988 offensive weapon on school premises"),
    "FI68068": ("WPN", "Firearms Act 1968 possess firearm while committing a Schedule 1 offence"),
    "PU86003": ("POF", "Public Order Act 1986 s.3 affray"),
    "PU86001": ("POF", "Public Order Act 1986 s.1 riot"),
    "CD98067": ("POF", "Racially/religiously aggravated harassment, alarm or distress"),
    "COML030": ("MCS", "Perverting the course of justice (common law)"),
    "FA06001": ("FRD", "Fraud Act 2006 s.2 fraud by false representation"),
    "RT88333": ("OTH", "Road Traffic Act 1988 driving whilst disqualified"),
    "DA21001": ("OTH", "Domestic Abuse Act 2021 breach of a protection order"),
    # Immigration Act 1971 (IM71): Miscellaneous crimes against society, as the Home Office classes them.
    "IM71002": ("MCS", "IA 1971 s.24(1)(a) illegal entry (pre-2022 wording)"),
    "IM71003": ("MCS", "IA 1971 s.24(1)(b) overstaying leave (pre-2022 wording)"),
    "IM71133": ("MCS", "IA 1971 s.24(B1) knowingly enter the UK without leave (NABA 2022 wording)"),
    "IM71134": ("MCS", "IA 1971 s.24(C1) remain beyond leave time limit"),
    "IM71026": ("MCS", "IA 1971 s.26(1)(d) use/possess false immigration document"),
    "IM71042": ("MCS", "IA 1971 s.26(1)(g) obstruct an immigration officer"),
    "IM71128": ("MCS", "IA 1971 s.24B work when disqualified by immigration status"),
    "IM71130": ("MCS", "Breach of an immigration bail condition"),
    "IM71015": ("MCS", "IA 1971 s.25 (old) harbouring an illegal entrant"),
    "IM71014": ("MCS", "IA 1971 s.25(1)(a) (pre-2002) assisting illegal entry"),
    "IM71104": ("MCS", "IA 1971 s.25 assisting unlawful immigration (2002-2022 wording)"),
    "IM71142": ("MCS", "IA 1971 s.25 facilitate a breach of immigration law (NABA 2022 wording)"),
    "IM71142C": ("MCS", "Conspiracy to commit the s.25 offence (IM71142)"),
    "IM71105": ("MCS", "IA 1971 s.25A helping an asylum seeker to enter the UK (for gain)"),
    "IM71105C": ("MCS", "Conspiracy to commit the s.25A offence (IM71105)"),
    "IM71143": ("MCS", "IA 1971 s.25A helping an asylum seeker to enter the UK (current code)"),
    "IM71106": ("MCS", "IA 1971 s.25B(1) assisting entry in breach of a deportation order"),
    "IM71107": ("MCS", "IA 1971 s.25B(3) assisting entry of a person excluded from the UK"),
}


def _titles(folder: Path) -> dict[str, str]:
    titles: dict[str, str] = {}
    for item in json.loads((folder / "pnc-ccjs-cjs-offences.json").read_text(encoding="utf-8")):
        titles[item["cjsCode"]] = _sentence_case(item["offenceTitle"])
    for item in json.loads((folder / "cjs-offences.json").read_text(encoding="utf-8")):
        titles[item["cjsCode"]] = item["offenceTitle"]  # the mixed-case list wins where both have a code
    return titles


def _sentence_case(upper: str) -> str:
    """PNC titles are upper case; keep proper nouns readable."""
    text = upper.capitalize()
    for word in ("uk", "eu", "united kingdom"):
        text = text.replace(f" {word}", f" {word.upper() if len(word) == 2 else word.title()}")
    return text


def _variant(code: str) -> str:
    return {"A": "attempt", "B": "aid_abet", "C": "conspiracy"}.get(code[-1], "substantive") if code[-1].isalpha() else "substantive"


def main(folder: Path, out: Path) -> None:
    titles = _titles(folder)
    missing = sorted(c for c in CURATED if c not in titles)
    if missing:
        raise SystemExit(f"codes not in the CJS lists: {missing}")
    with (out / "offences.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["cjs_code", "offence_title", "offence_group_code", "offence_group", "variant", "reasoning"])
        for code, (group, why) in sorted(CURATED.items()):
            w.writerow([code, titles[code], group, GROUPS[group], _variant(code), why])
    with (out / "offence_groups.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["offence_group_code", "offence_group"])
        w.writerows(sorted(GROUPS.items()))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[2] / "data" / "reference")
