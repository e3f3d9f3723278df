"""A draft's cells decoded once for every process (flows/release/store.py): a request reads the standing
drafts' cells as history, and a cold process must get exactly what decoding the file gives, never a stale copy."""

from __future__ import annotations

import json

from sdc_tables import with_margins

from flows.config import load_settings
from flows.release import store
from flows.release.draft import write_draft
from flows.release.protection import protect_release
from flows.release.store import DRAFT_CELLS_CACHE, DRAFT_FILE, draft_cells


def _drafted(tmp_path):
    from test_publish_helpers import make_context
    from test_release_lifecycle import year_axes

    settings = load_settings(home=tmp_path / "home", organisation="Test Constabulary", operator="analyst")
    t = with_margins("h", [("period", ["H1", "H2"], "2021")], {("H1",): 17, ("H2",): 3})
    protected = protect_release(
        [t], settings, populations={"h": year_axes(["H1", "H2", "2021"])}, reference="ds"
    )
    result = write_draft(
        settings, protected.tables, make_context(reference="ds", request=None), protected, "standing"
    )
    return settings, result.path / DRAFT_FILE


def _as_a_new_process():
    store._CELLS.clear()
    store._DIGESTS.clear()


def test_a_new_process_reads_the_cells_the_file_holds_from_the_cache(tmp_path):
    settings, path = _drafted(tmp_path)
    entries = list((settings.home / "cache" / DRAFT_CELLS_CACHE).glob("*.pickle"))
    assert len(entries) == 1  # written when the draft was: the next request need not decode it
    _as_a_new_process()
    decoded = draft_cells(path)
    _as_a_new_process()
    assert draft_cells(path, settings) == decoded and any("[c]" in str(c.shown) for c in decoded)


def test_a_changed_draft_file_is_decoded_again_and_a_damaged_entry_is_a_miss(tmp_path):
    settings, path = _drafted(tmp_path)
    record = json.loads(path.read_text())
    record["cells"] = [row for row in record["cells"] if "H2" not in row[4]]
    path.write_text(json.dumps(record))
    _as_a_new_process()
    changed = draft_cells(path, settings)
    assert changed and not any(dict(c.labels).get("period") == "H2" for c in changed)
    for entry in (settings.home / "cache" / DRAFT_CELLS_CACHE).glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    _as_a_new_process()
    assert draft_cells(path, settings) == changed
