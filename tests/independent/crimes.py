"""An independent reading of the archived crime extracts, with the csv module and nothing from ``flows/``.

As :mod:`tests.independent.custody` does for arrests: the row checks from the README's words (a crime
reference, a recorded date not after the extract, a Home Office code shaped like one, a known outcome type,
dates that parse, one ``extracted_at`` per file, a status of active, cancelled, transferred or deleted, markers
Y, N or blank, hate crime strands blank or ``;``-separated known strands), each crime from its latest delivery, and cancelled, transferred or deleted crimes not counted.
Cells are counted with :func:`tests.independent.custody.count`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tests.independent.custody import DATE_FORMATS, DATETIME_FORMATS, _parse, read_csv

#: a Home Office code: a number of up to three digits, an optional letter, an optional .N or .NN
HO_LIKE = re.compile(r"[0-9]{1,3}[A-Z]?(?:\.[0-9]{1,2})?")
STATUSES = {"", "active", "cancelled", "transferred", "deleted"}
UNDER_INVESTIGATION = "Under investigation"
#: the README's strands and the words a table uses for them
STRANDS = {"race": "Race", "religion": "Religion", "sexual_orientation": "Sexual orientation",
           "disability": "Disability", "transgender": "Transgender identity"}  # fmt: skip


@dataclass(frozen=True)
class CrimeReference:
    ho_offences: dict[str, dict[str, str]]  # ho_offence_code -> row of ho_offence_codes.csv
    outcomes: dict[str, dict[str, str]]  # outcome_code -> row of ho_outcome_types.csv


def load_crime_reference(folder: Path) -> CrimeReference:
    return CrimeReference(
        {r["ho_offence_code"]: r for r in read_csv(folder / "ho_offence_codes.csv")},
        {r["outcome_code"]: r for r in read_csv(folder / "ho_outcome_types.csv")},
    )


@dataclass(frozen=True)
class Crime:
    crime_ref: str
    recorded: date
    ho_code: str
    outcome: str  # the outcome group ("Under investigation" before any outcome)
    district: str
    domestic_abuse: str  # Yes, No or Not recorded
    knife: str  # Yes, No or Not recorded
    strands: frozenset[str] | None = None  # the hate crime strands' labels; None: not recorded


def _ho_code(text: str) -> str:
    """08N -> 8N, 37/2 -> 37.2 (how forces write the same code)."""
    code = text.strip().upper().replace("/", ".")
    return re.sub(r"^0+(?=[0-9])", "", code)


def _marker(text: str) -> str | None:
    value = text.strip().upper()
    return {"Y": "Yes", "N": "No", "": "Not recorded"}.get(value)


def _strands(row: dict[str, str]) -> frozenset[str] | None | bool:
    """None where the file has no such column; False for a value the README does not allow."""
    if "hate_crime_strands" not in row:
        return None
    names = [s.strip().lower() for s in row["hate_crime_strands"].split(";") if s.strip()]
    return frozenset(STRANDS[n] for n in names) if all(n in STRANDS for n in names) else False


def _good_rows(rows: list[dict[str, str]], ref: CrimeReference) -> list[dict]:
    stamps = [_parse(r.get("extracted_at"), DATETIME_FORMATS) for r in rows]
    extracted = Counter(s for s in stamps if s is not None).most_common(1)[0][0]
    refs = Counter(r["crime_ref"].strip() for r in rows)
    good = []
    for r, stamp in zip(rows, stamps, strict=True):
        recorded = _parse(r["recorded_date"], DATE_FORMATS)
        committed_ok = (
            not r["committed_date"].strip() or _parse(r["committed_date"], DATE_FORMATS) is not None
        )
        outcome_date = _parse(r["outcome_date"], DATE_FORMATS)
        outcome_date_ok = not r["outcome_date"].strip() or (
            outcome_date is not None and outcome_date <= extracted
        )
        code = _ho_code(r["ho_offence_code"])
        outcome = r["outcome_code"].strip()
        status = r.get("crime_status", "").strip().lower()
        markers = [_marker(r.get(c, "")) for c in ("domestic_abuse", "knife_or_sharp_instrument")]
        strands = _strands(r)
        ok = (
            r["crime_ref"].strip()
            and refs[r["crime_ref"].strip()] == 1
            and recorded is not None
            and recorded <= extracted
            and committed_ok
            and (code in ref.ho_offences or HO_LIKE.fullmatch(code) is not None)
            and (not outcome or outcome in ref.outcomes)
            and outcome_date_ok
            and stamp == extracted
            and status in STATUSES
            and None not in markers
            and strands is not False
        )
        if ok:
            good.append(
                {
                    "crime_ref": r["crime_ref"].strip(),
                    "recorded": recorded.date(),
                    "ho_code": code,
                    "outcome": ref.outcomes[outcome]["outcome_group"] if outcome else UNDER_INVESTIGATION,
                    "district": r["district"].strip() or "Not recorded",
                    "status": status,
                    "markers": markers,
                    "strands": strands,
                    "extracted": extracted,
                }
            )
    return good


def load_crimes(raw_crime: Path, ref: CrimeReference, as_at: datetime | None = None) -> list[Crime]:
    """Each live crime from its latest delivery (at or before ``as_at`` if given)."""
    latest: dict[str, tuple[datetime, str, dict]] = {}
    for path in sorted(raw_crime.glob("*.csv")):
        for g in _good_rows(read_csv(path), ref):
            if as_at is not None and g["extracted"] > as_at:
                continue
            key = g["crime_ref"]
            if key not in latest or (g["extracted"], path.name) > latest[key][:2]:
                latest[key] = (g["extracted"], path.name, g)
    return [
        Crime(
            g["crime_ref"],
            g["recorded"],
            g["ho_code"],
            g["outcome"],
            g["district"],
            *g["markers"],
            g["strands"],
        )
        for _, _, g in latest.values()
        if g["status"] in {"", "active"}
    ]
