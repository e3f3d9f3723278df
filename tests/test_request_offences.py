"""Offence resolution through the reference data: variants exactly as the spec says, and unknown names answered
with the closest known ones."""

from __future__ import annotations

import duckdb
import pytest

from flows.config import load_settings
from flows.reference.load import load_reference
from flows.requests.errors import SpecError
from flows.requests.models import Offences
from flows.requests.offences import resolve_offences


@pytest.fixture(scope="module")
def ref_con():
    con = duckdb.connect()
    load_reference(con, load_settings().reference_dir)
    yield con
    con.close()


def _resolve(con, items, variants=(), source="custody"):
    return resolve_offences(con, Offences(items=items, variants=list(variants)), source)


def test_variants_are_added_and_removed_exactly_as_stated(ref_con):
    none = _resolve(ref_con, [{"selection": "assisting_unlawful_immigration"}])
    both = _resolve(ref_con, [{"selection": "assisting_unlawful_immigration"}], ["conspiracy"])
    # every version of s.25: 1971-2003 (IM71014, its older code IM71A06, the 1996 deception limb IM71082),
    # 2003-2022 (the EU limb IM71104 and IM71131), since June 2022 (IM71142); only IM71142 has a conspiracy code
    s25 = ("IM71014", "IM71A06", "IM71082", "IM71104", "IM71131", "IM71142")
    assert none.categories[0].codes == s25
    assert both.categories[0].codes == (*s25, "IM71142C")
    code = _resolve(ref_con, [{"code": "IM71105"}], ["conspiracy"])
    assert code.categories[0].codes == ("IM71105", "IM71105C") and code.categories[0].label.startswith("Help asylum")


def test_groups_legislation_and_ho_codes(ref_con):
    drugs = _resolve(ref_con, [{"group": "DRG"}])
    assert drugs.categories[0].label == "Drug offences" and "MD71210" in drugs.categories[0].codes
    im71 = _resolve(ref_con, [{"legislation": "im71", "label": "Immigration Act 1971"}], ["conspiracy"])
    # 177 IM71 codes in the standing data, less the two attempt codes (IM71132A, IM71135A) conspiracy leaves out
    assert im71.categories[0].label == "Immigration Act 1971" and len(im71.categories[0].codes) == 175
    robbery = resolve_offences(ref_con, Offences(items=[{"group": "Robbery"}]), "crime")
    assert set(robbery.categories[0].codes) == {"34A", "34B"}


def test_overlapping_items_are_detected(ref_con):
    both = _resolve(ref_con, [{"selection": "immigration_act_1971"}, {"code": "IM71002"}])
    assert both.overlapping and not _resolve(ref_con, [{"code": "IM71002"}, {"code": "IM71003"}]).overlapping


@pytest.mark.parametrize(
    ("item", "field", "suggestion"),
    [
        ({"code": "IM71105X"}, "items[0].code", "closest known: IM71105 (Help asylum seeker"),
        ({"code": "TH68010X"}, "items[0].code", "TH68010 (Theft from a shop)"),
        ({"selection": "imigration_act_1971"}, "items[0].selection", "immigration_act_1971"),
        ({"group": "Drug offence"}, "items[0].group", "Drug offences"),
        ({"legislation": "IM72"}, "items[0].legislation", "IM71"),
    ],
)
def test_unknown_names_suggest_the_closest_known(ref_con, item, field, suggestion):
    with pytest.raises(SpecError) as info:
        _resolve(ref_con, [item])
    (where, reason), = info.value.problems
    assert where == f"offences.{field}" and suggestion in reason, reason


def test_duplicate_labels_are_refused(ref_con):
    with pytest.raises(SpecError, match="two items are labelled"):
        _resolve(ref_con, [{"code": "IM71002", "label": "x"}, {"code": "IM71003", "label": "x"}])
