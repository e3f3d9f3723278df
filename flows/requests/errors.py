"""Errors a non-programmer can act on: every problem in a request names the file, the field and the reason.

An FOI officer edits the YAML by hand, so a message must point at the line of thought they need
(``parts[1].periods[0].month: 2015-13 is not a month``), never at Python internals. Pydantic's own
messages are translated here, once, so every caller reports problems the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError


class SpecError(ValueError):
    """A request spec that cannot be answered. ``problems`` holds (field, reason) pairs; the message says
    ``<file>: <field>: <reason>`` for each, one per line."""

    def __init__(self, problems: Sequence[tuple[str, str]] | str, file: Path | str | None = None) -> None:
        if isinstance(problems, str):
            problems = [("", problems)]
        self.file = str(file) if file is not None else None
        self.problems = [(f, r) for f, r in problems]
        super().__init__(self._render())

    def _render(self) -> str:
        lines = []
        for field, reason in self.problems:
            where = ": ".join(x for x in (self.file, field) if x)
            lines.append(f"{where}: {reason}" if where else reason)
        return "\n".join(lines)

    def in_file(self, file: Path | str) -> SpecError:
        """The same problems, attributed to ``file`` (raised by code that did not know the file name)."""
        return SpecError(self.problems, file)


RESPONSES = frozenset({"data", "not_held", "ncnd", "exempt", "text"})


def field_path(loc: Sequence[object]) -> str:
    """``('parts', 1, 'periods', 0, 'month')`` -> ``parts[1].periods[0].month``; union branch names dropped
    (pydantic puts the part's response kind after its index: ``parts, 1, data, periods``)."""
    out = ""
    for i, part in enumerate(loc):
        if i == 2 and loc[0] == "parts" and part in RESPONSES:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and (part.startswith(("function-", "tagged-union")) or "[" in part):
            continue  # pydantic's names for validator and union branches mean nothing to a reader
        else:
            out += f".{part}" if out else str(part)
    return out or "top level"


_PLAIN = {
    "missing": "is required but missing",
    "extra_forbidden": "is not a field a request can have (check the spelling against data/requests/schema.json)",
    "date_from_datetime_parsing": "is not a real date (write it as YYYY-MM-DD)",
    "date_parsing": "is not a real date (write it as YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date without a time",
    "date_type": "must be a date written as YYYY-MM-DD",
    "string_type": "must be text",
    "int_parsing": "must be a whole number",
    "list_type": "must be a list (one item per line, each starting with '- ')",
    "dict_type": "must be a group of fields (name: value)",
    "model_type": "must be a group of fields (name: value)",
}


def plain_reason(error: dict) -> str:
    """One pydantic error in plain words."""
    kind, msg = error.get("type", ""), str(error.get("msg", ""))
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind == "literal_error":
        return f"must be {msg.removeprefix('Input should be ')}, not {error.get('input')!r}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return msg.replace("String should have", "must have")
    if kind == "union_tag_invalid":
        tag = (error.get("ctx") or {}).get("tag", error.get("input"))
        return f"{tag!r} is not a kind of response: use data, not_held, ncnd, exempt or text"
    if kind == "union_tag_not_found":
        return (
            "has no 'response': say what kind of answer this part gets (data, not_held, ncnd, exempt or text)"
        )
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def from_validation(exc: ValidationError, file: Path | str | None) -> SpecError:
    return SpecError([(field_path(e["loc"]), plain_reason(e)) for e in exc.errors()], file)
