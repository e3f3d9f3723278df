"""An independent reading of the archived custody extracts, with the csv module and nothing from ``flows/``.

It re-derives, from the raw files and the reference CSVs alone, what the warehouse should hold: which rows
pass the row checks (README, extract semantics), which delivery of each custody record is the latest, and
then counts cells by expanding every unit into each margin it belongs to (a different method from the SQL's
GROUPING SETS). Agreement between the two on generated data is evidence both read the rules the same way.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M")


#: a code shaped like a CJS code, from the README's words (two letters and two digits or COML; a letter or digit
#: and two digits; an optional variant letter A, B, C or I): loaded even when the reference list lacks it
CJS_LIKE = re.compile(r"(?:[A-Z][A-Z][0-9][0-9]|COML)[0-9A-Z][0-9][0-9][ABCI]?")
#: the group such a code is counted under
UNRECOGNISED = "Unrecognised offence code"


def _parse(text: str | None, formats: tuple[str, ...]) -> datetime | None:
    text = (text or "").strip()
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower().replace(" ", "_") for h in next(reader)]
    return [dict(zip(header, row, strict=False)) for row in reader]


@dataclass(frozen=True)
class Reference:
    offences: dict[str, dict[str, str]]  # cjs_code -> row of offences.csv
    disposals: dict[str, dict[str, str]]  # disposal -> row of custody_disposals.csv
    selections: dict[str, list[str]]  # selection -> cjs codes, file order


def load_reference(folder: Path) -> Reference:
    selections: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(folder / "offence_selections.csv"):
        selections[row["selection"]].append(row["cjs_code"])
    return Reference(
        {r["cjs_code"]: r for r in read_csv(folder / "offences.csv")},
        {r["disposal"]: r for r in read_csv(folder / "custody_disposals.csv")},
        dict(selections),
    )


@dataclass(frozen=True)
class Arrest:
    custody_ref: str
    person_ref: str
    arrested: datetime
    codes: tuple[str, ...]  # offence codes in offence_seq order; codes[0] is the principal offence
    disposal: str
    disposal_date: date | None
    age: int
    gender: str
    ethnicity: str
    station: str
    agency: str


def _good_rows(rows: list[dict[str, str]], ref: Reference) -> list[dict]:
    """The rows the warehouse would stage from one file (its bad rows, and records without a good principal
    row, are held back)."""
    stamps = [_parse(r.get("extracted_at"), DATETIME_FORMATS) for r in rows]
    extracted = Counter(s for s in stamps if s is not None).most_common(1)[0][0]
    keys = Counter((r["custody_ref"].strip(), r["offence_seq"].strip()) for r in rows)
    good = []
    for r, stamp in zip(rows, stamps, strict=True):
        arrested = _parse(r["arrest_datetime"], DATETIME_FORMATS)
        disposal_date = _parse(r["disposal_date"], DATE_FORMATS)
        if disposal_date is not None:  # the warehouse keeps the date only (midnight when compared)
            disposal_date = datetime.combine(disposal_date.date(), time())
        try:
            seq, age = int(r["offence_seq"].strip()), int(r["age_at_arrest"].strip())
        except ValueError:
            continue
        ok = (
            r["custody_ref"].strip()
            and r["person_ref"].strip()
            and arrested is not None
            and arrested <= extracted
            and seq >= 1
            and keys[(r["custody_ref"].strip(), r["offence_seq"].strip())] == 1
            and known_or_well_formed(r["offence_code"], ref)
            and r["disposal"].strip() in ref.disposals
            and (not r["disposal_date"].strip() or (disposal_date is not None and disposal_date <= extracted))
            and 10 <= age <= 110
            and stamp == extracted
        )
        if ok:
            good.append(
                {
                    **r,
                    "seq": seq,
                    "age": age,
                    "arrested": arrested,
                    "extracted": extracted,
                    "disposal_on": disposal_date.date() if disposal_date else None,
                }
            )
    principal_ok = {g["custody_ref"].strip() for g in good if g["seq"] == 1}
    return [g for g in good if g["custody_ref"].strip() in principal_ok]


def known_or_well_formed(code: str, ref: Reference) -> bool:
    code = code.strip().upper()
    return code in ref.offences or CJS_LIKE.fullmatch(code) is not None


def offence_group(code: str, ref: Reference) -> str:
    """A code's group: the reference's, or "Unrecognised offence code" for a code the list lacks."""
    row = ref.offences.get(code)
    return row["offence_group"] if row else UNRECOGNISED


def load_arrests(raw_custody: Path, ref: Reference, as_at: datetime | None = None) -> list[Arrest]:
    """Each custody record from its latest delivery (at or before ``as_at`` if given)."""
    latest: dict[str, tuple[datetime, str, list[dict]]] = {}
    for path in sorted(raw_custody.glob("*.csv")):
        by_record: dict[str, list[dict]] = defaultdict(list)
        for g in _good_rows(read_csv(path), ref):
            by_record[g["custody_ref"].strip()].append(g)
        for key, rows in by_record.items():
            stamp = rows[0]["extracted"]
            if as_at is not None and stamp > as_at:
                continue
            if key not in latest or (stamp, path.name) > latest[key][:2]:
                latest[key] = (stamp, path.name, rows)
    arrests = []
    for key, (_, _, rows) in latest.items():
        rows = sorted(rows, key=lambda g: g["seq"])
        p = rows[0]
        arrests.append(
            Arrest(
                key,
                p["person_ref"].strip(),
                p["arrested"],
                tuple(g["offence_code"].strip().upper() for g in rows),
                p["disposal"].strip(),
                p["disposal_on"],
                p["age"],
                p["gender"].strip() or "Not recorded",
                p["self_defined_ethnicity"].strip(),
                p["station"].strip() or "Not recorded",
                (p.get("arresting_agency") or "").strip() or "Not recorded",
            )
        )
    return arrests


@dataclass(frozen=True)
class Dim:
    """How a unit is classified: leaf labels for a unit (several under the any-offence rule), an optional
    parent of each leaf (offence -> offence group) and the total's label (None: no total)."""

    leaves: Callable[[Arrest], Iterable[str]]
    total: str | None = None
    parent: Callable[[str], str] | None = None

    def labels(self, arrest: Arrest) -> set[str]:
        out = set()
        for leaf in self.leaves(arrest):
            out.add(leaf)
            if self.parent is not None:
                out.add(self.parent(leaf))
            if self.total is not None:
                out.add(self.total)
        return out


def count(arrests: Iterable[Arrest], dims: list[Dim], unit: Callable[[Arrest], str]) -> dict[tuple, int]:
    """Distinct units in every cell and margin: each unit is added to every combination of its labels."""
    cells: dict[tuple, set[str]] = defaultdict(set)
    for a in arrests:
        for key in itertools.product(*(sorted(d.labels(a)) for d in dims)):
            cells[key].add(unit(a))
    return {k: len(v) for k, v in cells.items()}


def ethnicity_group(code: str) -> str:
    return {
        "A": "Asian or Asian British",
        "B": "Black, Black British, Caribbean or African",
        "M": "Mixed or multiple",
        "W": "White",
        "O": "Other ethnic group",
    }.get(code[:1].upper(), "Not stated")
