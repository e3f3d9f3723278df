"""Text a spreadsheet will not run: OWASP's advice on CSV (formula) injection, applied to every published format.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken for a formula by Excel,
LibreOffice and Google Sheets when a CSV is opened (and openpyxl writes a string starting ``=`` as a formula).
A station called ``=HYPERLINK(...)`` or a label ``-2+3`` must reach the reader as text, so such cells get a
leading single quote (and the CSV writer quotes every text field). Only text goes through here: counts, changes
and percentages are numbers by their column's declared type and stay numbers, negative ones included.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` with a leading single quote if a spreadsheet could read it as a formula; idempotent."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell_text(text: str) -> str:
    """Published text: neutralised, then line ends as LF (XLSX readers turn a CR into LF, so every format agrees)."""
    return neutralise(text).replace("\r\n", "\n").replace("\r", "\n")
