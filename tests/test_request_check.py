"""`disclose check SPEC` resolves every data part's offences against the reference data, as `disclose request`
does, and says which reference data it used: an unknown code or a misspelt selection fails the check with the
same field-named message, and a well-formed code the list lacks is never answered with a different offence."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from flows.cli import app
from flows.config import PROJECT_ROOT
from flows.db import connect
from flows.reference.load import load_reference

SEED = PROJECT_ROOT / "data" / "requests" / "mps-01-foi-22-025326.yaml"


def spec_with(tmp_path, items, name="spec.yaml"):
    raw = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    raw["parts"][0]["offences"]["items"] = items
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def check(path, settings):
    result = CliRunner().invoke(app, ["check", str(path), "--home", str(settings.home)])
    return result.exit_code, result.output


def test_the_seed_is_valid_and_says_which_reference_data_it_used(settings):
    code, out = check(SEED, settings)
    assert code == 0, out
    assert "valid" in out and "committed reference data" in out and "loaded in memory" in out


def test_an_unknown_well_formed_code_fails_without_suggesting_another_offence(tmp_path, settings):
    path = spec_with(tmp_path, [{"selection": "assisting_unlawful_immigration"}, {"code": "IM71199"}])
    code, out = check(path, settings)
    assert code == 2, out
    flat = " ".join(out.split())
    assert (
        "parts[0].offences.items[1].code: offence code IM71199 is not in the reference data (version" in flat
    )
    assert "'Unrecognised offence code'" in flat and "local_code: IM71199" in flat
    assert "closest" not in flat and "IM71139" not in flat and "IM71149" not in flat
    assert "valid" not in flat.replace("invalid", "") and "offences checked against the committed" in flat


def test_a_misspelt_selection_fails_with_the_closest_selection(tmp_path, settings):
    path = spec_with(tmp_path, [{"selection": "assisting_unlawful_imigration"}])
    code, out = check(path, settings)
    flat = " ".join(out.split())
    assert code == 2 and "parts[0].offences.items[0].selection" in flat, out
    assert "closest known: assisting_unlawful_immigration" in flat


def test_a_named_local_code_passes(tmp_path, settings):
    path = spec_with(tmp_path, [{"local_code": "IM71199", "label": "Local immigration code"}])
    code, out = check(path, settings)
    assert code == 0, out


def test_the_warehouse_reference_data_is_used_when_there_is_one(tmp_path, settings):
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        con.execute("create table staging.police_uk_street_crimes (crime_type varchar)")
        con.execute(
            "update ref.offence_selections set selection = 'renamed_in_this_warehouse' "
            "where selection = 'assisting_unlawful_immigration'"
        )
    code, out = check(SEED, settings)
    flat = " ".join(out.split())
    assert code == 2 and f"the warehouse at {settings.warehouse_path}" in flat, out
    assert "no offence selection is called 'assisting_unlawful_immigration'" in flat
