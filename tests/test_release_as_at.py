"""A request 'as at' a past time is recorded as at that time: the manifest (which the file-based audit keys
figures by) and the publication record say the population's as-at, not the warehouse's latest extract."""

from __future__ import annotations

import json
import shutil

import yaml

from flows.config import load_settings
from flows.pipeline import run_request
from tests.test_request_examples import generated_home

SPEC = {
    "schema_version": 2,
    "reference": "AS-AT-1",
    "title": "Arrests in 2018 by further action, as known in mid-2019",
    "received": "2019-07-01",
    "request_text": "How many arrests in 2018, by further action, as known on 30 June 2019?",
    "parts": [
        {
            "id": "1",
            "question": "Arrests in 2018 by further action",
            "response": "data",
            "measure": "arrests",
            "offences": {"all_offences": True},
            "periods": [{"calendar_year": 2018}],
            "breakdowns": ["further_action"],
            "as_at": "2019-06-30T02:00",
            "interpretation": "All arrests in 2018, counted as the extract of 30 June 2019 had them.",
        }
    ],
}


def test_a_request_as_at_a_past_time_is_recorded_as_at_that_time(tmp_path_factory, tmp_path):
    from flows.release.approve import approve
    from flows.release.publish import publish
    from flows.release.record import load_history
    from flows.sdc_audit import audit_release_folder

    home = tmp_path / "home"
    shutil.copytree(generated_home(tmp_path_factory), home)  # a copy: this test publishes into it
    settings = load_settings(home=home, operator="analyst")
    spec = tmp_path / "as-at.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    (drafted,) = run_request(settings, str(spec)).releases
    approve(settings, drafted.release_id, by="Second Officer")
    release = publish(settings, drafted.release_id)
    folder = settings.published_dir / release.release_id
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warehouse"]["as_at"] == "2019-06-30T02:00:00"
    latest = max(e["extracted_at"] for e in manifest["warehouse"]["extracts"])
    assert (
        latest > "2019-06-30T02:00:00"
    )  # the warehouse holds later extracts; the figures are not as at them
    assert {c.as_at for c in load_history(settings) if c.release_id == release.release_id} == {
        "2019-06-30T02:00:00"
    }
    assert audit_release_folder(folder).passed
