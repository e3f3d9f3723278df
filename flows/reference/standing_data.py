"""The MoJ CJS offence standing data: both published lists merged into one row per code.

``cjs-offences.json`` (mixed-case titles, an offence category, a recordable flag) is the list courts and the
CPS use today; ``pnc-ccjs-cjs-offences.json`` (upper-case titles) is the Police National Computer's, and holds
many historical codes the other list dropped. A force's custody system records codes from either, so we keep
the union and say which list each code came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

CJS_FILE = "cjs-offences.json"
PNC_FILE = "pnc-ccjs-cjs-offences.json"
#: CJS suffix letter of a variant code (IM71142C is conspiracy to commit IM71142).
VARIANTS = {"A": "attempt", "B": "aid_abet", "C": "conspiracy", "I": "inciting"}
CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{5}[A-Z]?$")


@dataclass(frozen=True)
class StandingCode:
    code: str
    title: str  # the cjs-offences title where the code is there, else the PNC title made readable
    pnc_title: str  # the PNC title where it says something else, else blank
    category: (
        str  # CS summary, CE either way, CI indictable, CM motoring, CB breach, CR/VP/EF/EM/EX non-offence
    )
    is_recordable: bool  # recordable on PNC if either list says so
    recordable_conflict: bool  # the two lists disagree on recordable
    source_lists: str  # both | cjs-offences | pnc-ccjs
    variant: str  # substantive | attempt | aid_abet | conspiracy | inciting

    @property
    def prefix(self) -> str:
        """The Act (or common law, COML) the code belongs to."""
        return self.code[:4]


class StandingDataError(ValueError):
    """A source file that is not the standing data we expect (names the file and item)."""


def read_standing_data(folder: Path) -> list[StandingCode]:
    """Every code in either list, sorted by code."""
    cjs = _read(folder / CJS_FILE, ("cjsCode", "offenceCategory", "offenceTitle", "recordableOnPnc"))
    pnc = _read(folder / PNC_FILE, ("cjsCode", "offenceTitle", "recordableOnPnc"))
    known = set(cjs) | set(pnc)
    out = []
    for code in sorted(known):
        c, p = cjs.get(code), pnc.get(code)
        recordable = [bool(x["recordableOnPnc"]) for x in (c, p) if x is not None]
        title = c["offenceTitle"].strip() if c else readable(p["offenceTitle"])
        pnc_title = p["offenceTitle"].strip() if p else ""
        out.append(
            StandingCode(
                code=code,
                title=title,
                pnc_title=pnc_title if c and _differs(title, pnc_title) else "",
                category=c["offenceCategory"] if c else "",
                is_recordable=any(recordable),
                recordable_conflict=len(set(recordable)) > 1,
                source_lists="both" if c and p else "cjs-offences" if c else "pnc-ccjs",
                variant=_variant(code, known),
            )
        )
    return out


def _read(path: Path, keys: tuple[str, ...]) -> dict[str, dict]:
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StandingDataError(f"{path}: cannot read the CJS standing data ({exc})") from None
    out: dict[str, dict] = {}
    for i, item in enumerate(items):
        missing = [k for k in keys if k not in item]
        if missing:
            raise StandingDataError(f"{path}: item {i} has no {', '.join(missing)}")
        code = str(item["cjsCode"]).strip().upper()
        if not CODE.match(code):
            raise StandingDataError(f"{path}: item {i}: {item['cjsCode']!r} is not a CJS offence code")
        if code in out:
            raise StandingDataError(f"{path}: item {i}: code {code} appears twice")
        out[code] = item
    return out


def _variant(code: str, codes: set[str]) -> str:
    """A suffix letter names a variant only when the base code exists (a few 'conspire' codes stand alone)."""
    if len(code) == 8 and code[-1] in VARIANTS and code[:7] in codes:
        return VARIANTS[code[-1]]
    return "substantive"


def _differs(a: str, b: str) -> bool:
    """Different words, not only different case or punctuation."""
    return bool(b) and _letters(a) != _letters(b)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


#: words PNC titles carry in capitals that should stay capitals (or proper nouns) once the title is readable.
KEEP = {
    "uk": "UK",
    "eu": "EU",
    "ec": "EC",
    "hm": "HM",
    "psv": "PSV",
    "hgv": "HGV",
    "lgv": "LGV",
    "phv": "PHV",
    "eta": "ETA",
    "caa": "CAA",
    "ncis": "NCIS",
    "nca": "NCA",
    "dvla": "DVLA",
    "mot": "MOT",
    "tv": "TV",
    "cctv": "CCTV",
    "gb": "GB",
    "un": "UN",
    "nhs": "NHS",
    "i": "I",
    "ii": "II",
    "iii": "III",
    "iv": "IV",
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "london": "London",
    "british": "British",
    "britain": "Britain",
    "european": "European",
    "crown": "Crown",
    "sovereign": "Sovereign",
    "queen": "Queen",
    "king": "King",
    "majesty": "Majesty",
    "majesty's": "Majesty's",
}
#: phrases (lower case) that are proper nouns.
PHRASES = {
    "united kingdom": "United Kingdom",
    "northern ireland": "Northern Ireland",
    "secretary of state": "Secretary of State",
    "great britain": "Great Britain",
}


def readable(upper: str) -> str:
    """A PNC title in sentence case with acronyms, 'Class A' and place names kept."""
    words = upper.strip().lower().split()
    out = []
    for i, word in enumerate(words):
        bare = word.strip(",.;:()'\"")
        if bare in KEEP:
            word = word.replace(bare, KEEP[bare])
        elif i and words[i - 1] == "class" and len(bare) == 1:
            word = word.upper()
        out.append(word)
    text = " ".join(out)
    for phrase, proper in PHRASES.items():
        text = re.sub(rf"\b{phrase}\b", proper, text)
    text = re.sub(r"\bclass ([A-C])\b", r"Class \1", text)
    return text[:1].upper() + text[1:]
