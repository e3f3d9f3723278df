"""What a well-formed offence code looks like (flows/contracts/offence_codes.py): every code in the CJS standing
data and the Home Office classification matches, and so do the forms real FOI tables write; values that are not
codes do not. The checks against ../shared skip cleanly where it is absent (CI)."""

from __future__ import annotations

import csv
import json

import pytest

from flows.config import PROJECT_ROOT
from flows.contracts.offence_codes import (
    CJS_CODE_PATTERN,
    HO_CODE_PATTERN,
    is_well_formed_cjs,
    is_well_formed_ho,
    normalise_ho_code,
)
from flows.ingest.sources import HATE_CRIME_STRANDS

SHARED = PROJECT_ROOT.parent / "shared"
CJS_FILES = [
    SHARED / "reference" / "cjs_offence_codes" / n
    for n in ("cjs-offences.json", "pnc-ccjs-cjs-offences.json")
]
# the ONS list's homicide heading: four codes together, not a code a crime carries
HO_AGGREGATE = "1-4.1-4.10-4.2"
REFERENCE = PROJECT_ROOT / "data" / "reference"


def _column(path, name):
    with path.open(encoding="utf-8") as f:
        return [row[name] for row in csv.DictReader(f)]


@pytest.mark.skipif(not all(p.is_file() for p in CJS_FILES), reason="../shared/reference is not available")
def test_every_code_in_the_cjs_standing_data_is_well_formed():
    codes = {entry["cjsCode"] for path in CJS_FILES for entry in json.loads(path.read_text(encoding="utf-8"))}
    assert len(codes) > 20_000
    assert sorted(c for c in codes if not is_well_formed_cjs(c)) == []


@pytest.mark.skipif(not (SHARED / "realdata").is_dir(), reason="../shared is not available")
def test_every_home_office_code_the_ons_list_and_a_real_foi_table_write_is_well_formed():
    ons = _column(
        SHARED / "reference" / "ho_offence_classification" / "ons_crime_offence_hierarchy.csv", "code"
    )
    leaves = [c for c in ons if c[0].isdigit() and c != HO_AGGREGATE]
    foi = _column(SHARED / "realdata" / "foi_derived" / "leicestershire_offences.csv", "Offence Code")
    assert len(leaves) > 100 and len(foi) > 100
    assert [c for c in leaves + foi if not is_well_formed_ho(c)] == []
    assert {"8N", "37.2", "5D"} <= {normalise_ho_code(c) for c in foi}  # written 08N, 37/2, 05D there


def test_the_committed_reference_codes_are_well_formed():
    assert [c for c in _column(REFERENCE / "offences.csv", "cjs_code") if not is_well_formed_cjs(c)] == []
    ho = [c for c in _column(REFERENCE / "ho_offence_codes.csv", "ho_offence_code") if c != HO_AGGREGATE]
    assert [c for c in ho if not is_well_formed_ho(c)] == []


@pytest.mark.parametrize(
    "code",
    [
        "TH68010",
        "COML025",
        "COMLA05",
        "COML056C",
        "MD71145A",
        "SX56A14",
        "IM71142C",
        "IM71105I",
        "sx03002",
        " TH68010 ",
        "XX99001",
    ],
)
def test_cjs_shapes_that_are_codes(code):
    assert is_well_formed_cjs(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "N/A",
        "UNKNOWN",
        "TH6801",
        "TH680100",
        "TH68010X",
        "IM71142CC",
        "COML",
        "COML0250",
        "12345",
        "Theft from a shop",
        "TH 68010",
        "T168010",
        "TH68-010",
    ],
)
def test_cjs_shapes_that_are_not(code):
    assert not is_well_formed_cjs(code)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("08N", "8N"),
        ("37/2", "37.2"),
        ("01", "1"),
        (" 105a ", "105A"),
        ("4.10", "4.10"),
        ("802", "802"),
        ("0", "0"),
    ],
)
def test_home_office_codes_are_read_as_the_reference_list_writes_them(written, read):
    assert normalise_ho_code(written) == read and is_well_formed_ho(written)


@pytest.mark.parametrize("code", ["", "Shoplifting", "1234", "8NN", "37.123", "1-4.1", "N8", "37..2"])
def test_home_office_shapes_that_are_not(code):
    assert not is_well_formed_ho(code)


def test_the_suites_check_with_the_same_patterns_and_strands():
    """The GX suites carry the patterns as parameters (JSON defaults); they must not drift from the code."""
    custody = json.loads((PROJECT_ROOT / "expectations" / "staging.custody_offences.json").read_text())
    crimes = json.loads((PROJECT_ROOT / "expectations" / "staging.crimes.json").read_text())
    assert custody["meta"]["disclose"]["params"]["cjs_code_pattern"] == CJS_CODE_PATTERN
    assert crimes["meta"]["disclose"]["params"]["ho_code_pattern"] == HO_CODE_PATTERN
    assert crimes["meta"]["disclose"]["params"]["hate_crime_strands"] == list(HATE_CRIME_STRANDS)
