"""What a well-formed offence code looks like: the line between a code the reference list does not know yet
(loaded and counted under "Unrecognised offence code") and a value that is not a code at all (quarantined).

Forces create local codes and the standing data lags, so "not in the reference data" says nothing about
whether a row can be trusted; a blank, "N/A", a description typed into the code column or a truncated code
does. The shapes are read off the standing data itself: every one of the 24,960 codes in the two MoJ CJS
files (../shared/reference/cjs_offence_codes) is two letters and two digits (the Act and its year: TH68,
IM71) or ``COML`` (common law), then three characters (a letter and two digits in 1,018 codes, e.g.
SX56A14, COMLA05; otherwise digits), then, in 677 codes, a variant letter (A attempt, B aiding, C
conspiracy; I, inciting, is the fourth variant flows/requests/catalogue.py knows). Home Office codes (the ONS hierarchy, and forces' own FOI tables) are a number of up to three
digits, an optional letter and an optional sub-number: 8N, 105A, 802, 37.2; forces also write 08N and 37/2,
which :func:`normalise_ho_code` (and the staging SQL, with the same rules) reads as 8N and 37.2.

The patterns are RE2 and Python ``re`` alike, passed to DuckDB as parameters (``regexp_full_match``).
"""

from __future__ import annotations

import re

#: a CJS offence code (upper case): TH68010, SX56A14, COML025, COMLA05, MD71145A
CJS_CODE_PATTERN = r"(?:[A-Z]{2}[0-9]{2}|COML)[0-9A-Z][0-9]{2}[ABCI]?"
#: a Home Office offence code as the reference list writes it: 8N, 105A, 802, 37.2, 4.10
HO_CODE_PATTERN = r"[0-9]{1,3}[A-Z]?(?:\.[0-9]{1,2})?"

CJS_SHAPE = (
    "two letters and two digits (or COML), then a letter or digit and two digits, then an optional variant "
    "letter A, B, C or I, e.g. TH68010, SX56A14, COML025, MD71145A"
)
HO_SHAPE = "a number of up to three digits, an optional letter and an optional .N part, e.g. 8N, 105A, 37.2"

_CJS = re.compile(CJS_CODE_PATTERN)
_HO = re.compile(HO_CODE_PATTERN)


def is_well_formed_cjs(code: str) -> bool:
    return _CJS.fullmatch(code.strip().upper()) is not None


def normalise_ho_code(code: str) -> str:
    """'08N' -> '8N', '37/2' -> '37.2' (the reference list's spelling); anything else is only trimmed and
    upper-cased. Mirrors sql/staging/stg_crimes__checked.sql."""
    text = code.strip().upper().replace("/", ".")
    return re.sub(r"^0+([0-9])", r"\1", text)


def is_well_formed_ho(code: str) -> bool:
    return _HO.fullmatch(normalise_ho_code(code)) is not None


def code_pattern_params() -> dict[str, str]:
    """The patterns as DuckDB parameters for the staging check SQL and the staging GX check queries."""
    return {"cjs_code_pattern": CJS_CODE_PATTERN, "ho_code_pattern": HO_CODE_PATTERN}
