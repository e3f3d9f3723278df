"""What a release claims about itself: the exemptions come from disclosure control (Protected.exemptions), not
from counting [c] flags, so a rounded or combined table is never "Disclosed in full"."""

from __future__ import annotations

from test_publish_helpers import make_context
from test_release_protection import EARLIER, VALUES, comparison_table

from flows.config import PROJECT_ROOT, load_settings
from flows.publish.grid import build_grid
from flows.publish.letter import render_letter
from flows.publish.letter_facts import letter_facts, table_summaries
from flows.release.context import foi_request
from flows.release.protection import protect_release
from flows.requests.spec import load_spec

MPS = PROJECT_ROOT / "data" / "requests" / "mps-01-foi-22-025326.yaml"


def _settings(tmp_path, strategy: str):
    config = tmp_path / "disclose.toml"
    config.write_text(f'[disclose]\nhome = "home"\n[disclose.disclosure]\nstrategy = "{strategy}"\n')
    return load_settings(config)


def test_a_rounded_table_claims_s40_and_is_partially_disclosed(tmp_path):
    protected = protect_release([comparison_table(VALUES, EARLIER)], _settings(tmp_path, "round"))
    (table,) = protected.tables
    assert table.rounded_to == 5
    assert not any("[c]" in f for m in table.measures for f in table.frame[m.flag].to_list())  # nothing [c]
    assert protected.exemptions == ["s.40(2)"]
    spec, _ = load_spec(MPS)
    request = foi_request(spec, protected.tables, protected)
    assert request.outcome == "Partially disclosed"
    assert [e.section for e in request.exemptions] == ["s.40(2)"]
    assert request.withheld == protected.explanation and any("rounded" in n for n in request.withheld)
    context = make_context(request=request)
    grids = [build_grid(t) for t in protected.tables]
    facts = letter_facts(context, f"{spec.reference}/v1", table_summaries(grids), ["x.csv"])
    letter = render_letter(facts).markdown
    assert "Section 40(2)" in letter and "Disclosed in full" not in letter


def test_nothing_withheld_claims_no_exemption(tmp_path):
    large = {key: value * 10 for key, value in VALUES.items()}
    protected = protect_release([comparison_table(large, EARLIER)], _settings(tmp_path, "auto"))
    assert protected.exemptions == []
    spec, _ = load_spec(
        MPS
    )  # its other part (convictions) is "not held": partly disclosed, with no exemption
    request = foi_request(spec, protected.tables, protected)
    assert request.outcome == "Partially disclosed" and request.exemptions == []
    every_part_held = spec.model_copy(update={"parts": [p for p in spec.parts if p.response == "data"]})
    assert foi_request(every_part_held, protected.tables, protected).outcome == "Disclosed in full"
