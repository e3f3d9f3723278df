"""The committed code lists the generator draws from, so generated codes are ones the warehouse knows (apart from
the few local codes a force invents, offence_tail.py), with the standing data's facts the offence tail ranks by."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"


@dataclass(frozen=True)
class CodeList:
    """Codes in reference order, their titles, and each code's group code."""

    codes: tuple[str, ...]
    titles: tuple[str, ...]
    groups: tuple[str, ...]

    def index(self, code: str) -> int:
        try:
            return self.codes.index(code)
        except ValueError:
            raise KeyError(f"offence code {code!r} is not in the reference list") from None


@dataclass(frozen=True)
class StandingFacts:
    """Per CJS code, in the order of `Reference.cjs`: what the standing data says about it (offence_standing_data.csv)."""

    variant: tuple[str, ...]  # substantive, attempt, aid_abet, conspiracy, inciting
    category: tuple[
        str, ...
    ]  # CS, CE, CI, CM, CB, CR, VP, EF, EM, EX; blank when only the PNC list has the code
    recordable: tuple[bool, ...]
    source_lists: tuple[str, ...]  # both, cjs-offences (current list only) or pnc-ccjs (the PNC list only)


@dataclass(frozen=True)
class Reference:
    cjs: CodeList  # custody offence codes (offences.csv)
    cjs_facts: StandingFacts
    ho: CodeList  # Home Office crime codes (ho_offence_codes.csv)
    outcome_codes: tuple[int, ...]


def load_reference(folder: Path = REFERENCE_DIR) -> Reference:
    offences = _read(folder / "offences.csv")
    ho = _read(folder / "ho_offence_codes.csv")
    outcomes = _read(folder / "ho_outcome_types.csv")
    standing = {r["cjs_code"]: r for r in _read(folder / "offence_standing_data.csv")}
    facts = [standing[r["cjs_code"]] for r in offences]
    return Reference(
        cjs=CodeList(
            *(tuple(r[k] for r in offences) for k in ("cjs_code", "offence_title", "offence_group_code"))
        ),
        cjs_facts=StandingFacts(
            variant=tuple(r["variant"] for r in offences),
            category=tuple(f["category"] for f in facts),
            recordable=tuple(f["is_recordable"] == "true" for f in facts),
            source_lists=tuple(f["source_lists"] for f in facts),
        ),
        ho=CodeList(
            *(
                tuple(r[k] for r in ho)
                for k in ("ho_offence_code", "ho_offence_title", "ho_offence_group_code")
            )
        ),
        outcome_codes=tuple(int(r["outcome_code"]) for r in outcomes if r["outcome_code"] != "0"),
    )


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
