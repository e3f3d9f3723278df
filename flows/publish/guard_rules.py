"""The guard's rules for one cell, one header row and one author name: the same in XLSX, ODS and CSV.

Part of the publish guard (:mod:`flows.publish.guard`): it imports nothing from suppression or the writers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SHORTHAND = re.compile(r"^(\[(c|x|z|low|u|e|p|r|b|er|f|ns|s|ss|sss)\])+$")
BRACKETS_ONLY = re.compile(r"^(\[[^\]]*\])+$")
VALUE_WITH_SHORTHAND = re.compile(r"^[+-]?[\d,.]*\d[\d,.]*\s*\[")
SYMBOL_ONLY = re.compile(r"^[^\w\s]+$")
NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
#: text a spreadsheet runs as a formula (OWASP, CSV injection): published text must begin otherwise ('=...)
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
NOT_COUNTS = frozenset({"dimension", "rate", "change", "pct_change", "public count"})


@dataclass(frozen=True)
class Finding:
    file: str
    problem: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            x
            for x in (
                self.sheet and f"sheet {self.sheet}",
                self.row and f"row {self.row}",
                self.column and f"column {self.column}",
            )
            if x
        )
        return f"{self.file}{f' ({where})' if where else ''}: {self.problem}"


@dataclass(frozen=True)
class Rules:
    """What the guard compares cells against: k, the organisation, and header -> role where known."""

    k: int
    organisation: str | None = None
    roles: dict[str, str] = field(default_factory=dict)


def text_problem(text: str) -> str | None:
    """A text cell (XLSX or ODS string, or CSV text) a spreadsheet would run as a formula."""
    if FORMULA_START.match(text):
        return f"text {text[:40]!r} could run as a formula: neutralise it with a leading single quote"
    return None


def cell_problem(value: object, role: str | None, k: int) -> str | None:
    """The one rule for a table cell, shared by XLSX, ODS and CSV. ``role`` None means unknown."""
    if isinstance(value, str):
        if role == "dimension" or not NUMBER.match(value.strip()):
            problem = text_problem(value)  # a signed number in a measure column is a number, not text
            if problem:
                return problem
        text = value.strip()
        if not text:
            return None
        if BRACKETS_ONLY.match(text):
            return None if SHORTHAND.match(text) else f"shorthand {text!r} is not in the allowed list"
        if VALUE_WITH_SHORTHAND.match(text):
            return f"a value and shorthand share one cell: {text!r}"
        if SYMBOL_ONLY.match(text):
            return f"symbol-only cell {text!r}: use shorthand such as [c] or [x]"
        if role == "dimension" or not NUMBER.match(text):
            return None
        number = float(text.replace(",", ""))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        return None
    if role in NOT_COUNTS or (role is None and not number.is_integer()):
        return None
    if 0 < number < k:
        return f"count {number:g} is below the threshold k={k}: only 0 or counts of at least {k} may be published"
    return None


def header_problems(name: str, header: list[object], sheet: str | None) -> list[Finding]:
    texts = ["" if h is None else str(h).strip() for h in header]
    problems = [
        Finding(name, "empty column header", sheet=sheet, column=str(i + 1))
        for i, t in enumerate(texts)
        if not t
    ]
    problems += [
        Finding(name, "duplicate column header", sheet=sheet, column=t)
        for t in sorted({t for t in texts if t and texts.count(t) > 1})
    ]
    problems += [
        Finding(name, f"header: {p}", sheet=sheet)
        for h in header
        if isinstance(h, str)
        for p in [text_problem(h)]
        if p
    ]
    return problems


def author_problem(label: str, value: str, rules: Rules) -> str | None:
    """dc:creator and friends must be the organisation, never a tool or a person's user name."""
    if rules.organisation and value == rules.organisation:
        return None  # the configured organisation, even a one-word name ("Kent"), is not a person
    if not value or value.lower() in ("openpyxl", "odfpy") or looks_personal(value):
        return f"{label} is {value!r}: it must be the organisation, not a tool or person"
    if rules.organisation and value != rules.organisation:
        return f"{label} is {value!r}, not the organisation {rules.organisation!r}"
    return None


def looks_personal(value: str) -> bool:
    """A user name such as 'jsmith', 'john.smith', 'DOMAIN\\jsmith' or an e-mail: one token, or has @ or \\."""
    return "@" in value or "\\" in value or " " not in value
