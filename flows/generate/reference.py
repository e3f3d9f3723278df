"""The committed code lists the generator draws from, so generated codes are always ones the warehouse knows."""

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
class Reference:
    cjs: CodeList  # custody offence codes (offences.csv)
    ho: CodeList  # Home Office crime codes (ho_offence_codes.csv)
    outcome_codes: tuple[int, ...]


def load_reference(folder: Path = REFERENCE_DIR) -> Reference:
    offences = _read(folder / "offences.csv")
    ho = _read(folder / "ho_offence_codes.csv")
    outcomes = _read(folder / "ho_outcome_types.csv")
    return Reference(
        cjs=CodeList(*(tuple(r[k] for r in offences) for k in ("cjs_code", "offence_title", "offence_group_code"))),
        ho=CodeList(*(tuple(r[k] for r in ho) for k in ("ho_offence_code", "ho_offence_title", "ho_offence_group_code"))),
        outcome_codes=tuple(int(r["outcome_code"]) for r in outcomes if r["outcome_code"] != "0"),
    )


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
