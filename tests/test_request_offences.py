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
    assert code.categories[0].codes == ("IM71105", "IM71105C") and code.categories[0].label.startswith(
        "Help asylum"
    )


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
        ({"code": "IM7110"}, "items[0].code", "not shaped like an offence code"),
        ({"selection": "imigration_act_1971"}, "items[0].selection", "immigration_act_1971"),
        ({"group": "Drug offence"}, "items[0].group", "Drug offences"),
        ({"legislation": "IM72"}, "items[0].legislation", "IM71"),
    ],
)
def test_unknown_names_suggest_the_closest_known(ref_con, item, field, suggestion):
    with pytest.raises(SpecError) as info:
        _resolve(ref_con, [item])
    ((where, reason),) = info.value.problems
    assert where == f"offences.{field}" and suggestion in reason, reason


@pytest.mark.parametrize(
    ("item", "source"),
    [
        ({"code": "IM71199"}, "custody"),
        ({"code": "TH68011"}, "custody"),
        ({"code": "MD71999C"}, "custody"),
        ({"ho_code": "8U"}, "crime"),
        ({"ho_code": "37/9"}, "crime"),
    ],
)
def test_a_well_formed_unknown_code_is_never_answered_with_a_different_offence(ref_con, item, source):
    """IM71199 is one digit from IM71139 and IM71149, but a neighbouring code is a different offence: the
    message says the code is not in the reference data (naming its version) and how such a code is counted."""
    with pytest.raises(SpecError) as info:
        resolve_offences(
            ref_con, Offences(items=[item], variants=[] if source == "custody" else None), source
        )
    ((where, reason),) = info.value.problems
    version = ref_con.sql("select version from ref.version").fetchall()[0][0]
    assert where == f"offences.items[0].{next(iter(item))}"
    assert "closest" not in reason and f"not in the reference data (version {version})" in reason
    assert "'Unrecognised offence code'" in reason and "local_code:" in reason
    others = set(
        ref_con.sql(
            "select cjs_code from ref.offences union all select ho_offence_code from ref.ho_offence_codes"
        ).fetchall()
    )
    assert not [c for (c,) in others if f" {c} " in f" {reason} ".replace(",", " ")], (
        "no other code is offered"
    )


def test_a_local_code_is_counted_on_its_own_under_unrecognised(ref_con):
    local = _resolve(ref_con, [{"local_code": "xx99001", "label": "Breach of force bylaw"}], ["conspiracy"])
    (category,) = local.categories
    assert (category.label, category.codes) == ("Breach of force bylaw", ("XX99001",))
    assert local.groups["XX99001"] == "Unrecognised offence code" and "local code" in local.titles["XX99001"]
    crime = resolve_offences(ref_con, Offences(items=[{"local_code": "08U", "label": "Local"}]), "crime")
    assert crime.categories[0].codes == ("8U",)
    with pytest.raises(SpecError, match="is in the reference data .*name it as code: TH68010"):
        _resolve(ref_con, [{"local_code": "TH68010", "label": "x"}])
    with pytest.raises(SpecError, match="not shaped like an offence code"):
        _resolve(ref_con, [{"local_code": "THEFT", "label": "x"}])
    with pytest.raises(ValueError, match="local_code needs a label"):
        Offences(items=[{"local_code": "XX99001"}], variants=[])


def test_the_unrecognised_group_cannot_be_listed_and_says_how_it_is_counted(ref_con):
    with pytest.raises(SpecError, match="all_offences: true.*offence_group"):
        _resolve(ref_con, [{"group": "UNR"}])


def test_duplicate_labels_are_refused(ref_con):
    with pytest.raises(SpecError, match="two items are labelled"):
        _resolve(ref_con, [{"code": "IM71002", "label": "x"}, {"code": "IM71003", "label": "x"}])


def test_the_code_list_kept_between_requests_follows_the_reference_data():
    """A warm service keeps each source's code list; a changed title, a new code or a changed selection in
    the warehouse's reference data must be seen by the next request, not the list built before."""
    con = duckdb.connect()
    load_reference(con, load_settings().reference_dir)
    first = _resolve(con, [{"code": "IM71105"}])
    assert first.categories[0].label.startswith("Help asylum")
    con.execute("update ref.offences set offence_title = 'Renamed offence' where cjs_code = 'IM71105'")
    assert _resolve(con, [{"code": "IM71105"}]).categories[0].label == "Renamed offence"
    with pytest.raises(SpecError):
        _resolve(con, [{"code": "ZZ99999"}])
    con.execute(
        "insert into ref.offences (cjs_code, offence_title, offence_group_code, offence_group, variant) "
        "select 'ZZ99999', 'A new offence', offence_group_code, offence_group, 'substantive' "
        "from ref.offences where cjs_code = 'IM71105'"
    )
    assert _resolve(con, [{"code": "ZZ99999"}]).categories[0].label == "A new offence"
    con.execute("delete from ref.offence_selections where cjs_code = 'IM71142'")
    s25 = _resolve(con, [{"selection": "assisting_unlawful_immigration"}]).categories[0].codes
    assert "IM71142" not in s25 and "IM71014" in s25
    con.close()
