"""Named offence selections, rebuilt from the whole code list by the rules in offence_selection_rules.csv.

A request names an offence in words ("assisting unlawful immigration"); the selection records which CJS codes
those words were taken to cover and why, one code a row, so every letter can restate it. The rules file says
it once per idea: ``code`` rows name one code each with its own reasoning (every version of s.25 across its
amendments), ``prefix`` rows take every code of an Act (``IM71``: "offences under the Immigration Act 1971"),
and ``exclude`` rows record a code deliberately left out, with the reason, so the decision is reviewable.
Variant codes (attempt, aiding, conspiracy, incitement) are not listed by ``code`` rows: a request's
``variants:`` decides whether they count (flows/requests/offences.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.reference.group_rules import RuleError, read_rows
from flows.reference.standing_data import StandingCode

KINDS = ("code", "prefix", "exclude")
COLUMNS = ("selection", "selection_label", "kind", "match", "reasoning")


@dataclass(frozen=True)
class SelectionRow:
    selection: str
    selection_label: str
    cjs_code: str
    reasoning: str


def build_selections(path: Path, codes: list[StandingCode]) -> list[SelectionRow]:
    """One row per (selection, code), in rule order then code order; every named code must exist."""
    known = {c.code: c for c in codes}
    rows: list[SelectionRow] = []
    seen: set[tuple[str, str]] = set()
    labels: dict[str, str] = {}
    for row, r in read_rows(path, COLUMNS):
        where = f"{path}: row {row}"
        if r["kind"] not in KINDS:
            raise RuleError(f"{where}, column kind: {r['kind']!r} is not one of {', '.join(KINDS)}")
        if not r["reasoning"] or not r["selection"] or not r["selection_label"]:
            raise RuleError(f"{where}: selection, selection_label and reasoning are all required")
        if labels.setdefault(r["selection"], r["selection_label"]) != r["selection_label"]:
            raise RuleError(
                f"{where}, column selection_label: {r['selection']} already has the label {labels[r['selection']]!r}"
            )
        matched = _matches(r["kind"], r["match"], known)
        if not matched:
            raise RuleError(
                f"{where}, column match: {r['match']!r} is not a code (or Act prefix) in the standing data"
            )
        if r["kind"] == "exclude":
            continue
        for code in matched:
            if (r["selection"], code) in seen:
                raise RuleError(f"{where}: {code} is already in selection {r['selection']}")
            seen.add((r["selection"], code))
            rows.append(SelectionRow(r["selection"], r["selection_label"], code, r["reasoning"]))
    return rows


def _matches(kind: str, match: str, known: dict[str, StandingCode]) -> list[str]:
    if kind == "prefix":
        return sorted(c for c in known if c.startswith(match.upper()))
    code = match.upper()
    if code in known and kind == "code" and known[code].variant != "substantive":
        raise RuleError(
            f"{code} is a {known[code].variant} variant: list its base code, and let a request's "
            "variants decide"
        )
    return [code] if code in known else []


SELECTIONS_HEADER = ("selection", "selection_label", "cjs_code", "reasoning")


def selection_records(rows: list[SelectionRow]) -> list[tuple[str, ...]]:
    return [(r.selection, r.selection_label, r.cjs_code, r.reasoning) for r in rows]
