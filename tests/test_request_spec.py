"""Request specs: the seed requests load; bad specs fail with the field named."""

from __future__ import annotations

import pytest

from flows.config import load_settings
from flows.requests.spec import SpecError, load_spec


def test_seed_requests_load():
    folder = load_settings().requests_dir
    wmp, _ = load_spec(folder / "wmp-3056-15.yaml")
    mps, digest = load_spec(folder / "mps-01-foi-22-025326.yaml")
    assert [p.response for p in wmp.parts] == ["data", "data", "ncnd"]
    assert wmp.data_parts[0].periods[0].start.isoweekday() == 3  # a Wednesday, as asked
    assert [p.label for p in mps.data_parts[0].periods][-1] == "2022 to date"
    assert len(digest) == 64


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("reference: '../x'\ntitle: abc\nreceived: 2020-01-01\nrequest_text: q\nparts: []", "parts"),
        ("reference: ok\ntitle: abc\nreceived: 2020-02-30\nrequest_text: q\nparts: []", "received"),
        ("reference: ok\ntitle: abc\nreceived: 2020-01-01\nrequest_text: q\nparts:\n - {id: '1', question: q, "
         "response: data, offences: {selections: [x]}, interpretation: i, periods: [{label: a, start: 2020-02-01, "
         "end: 2020-01-01}]}", "ends (2020-01-01) before it starts"),
        ("reference: ok\ntitle: abc\nreceived: 2020-01-01\nrequest_text: q\nparts:\n - {id: '1', question: q, "
         "response: maybe}", "parts.0"),
        ("!!python/object/apply:os.system ['true']", "not valid YAML"),
    ],
)
def test_bad_specs_name_the_field(tmp_path, text, field):
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    with pytest.raises(SpecError, match=None) as info:
        load_spec(path)
    assert field in str(info.value) and str(path) in str(info.value)
