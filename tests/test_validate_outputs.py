"""The output suite (release.cells) blocks a release whose published view is unsafe or malformed."""

from __future__ import annotations

import polars as pl
import pytest

from flows.config import load_settings
from flows.contracts.tidy import Dimension, Measure, Role, TidyTable
from flows.validate.outputs import validate_release_tables


def _table(values, flags, role=Role.COUNT):
    frame = pl.DataFrame({"area": [f"a{i}" for i in range(len(values))], "n": values, "n_flag": flags})
    return TidyTable("t", "T", (Dimension("area", "Area"),), (Measure("n", "N", role),), frame)


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def test_a_safe_table_passes(settings):
    report = validate_release_tables([_table([0, 3, 12], ["", "[c]", "[p]"])], settings, "t")
    assert report.success and not report.blocks_publication


@pytest.mark.parametrize(
    ("values", "flags", "expected"),
    [
        ([0, 3, 12], ["", "", ""], "small_count_shown"),
        ([0, -6, 12], ["", "", ""], "negative_count"),
        ([0, 6, 12], ["", "*", ""], "flag"),
    ],
)
def test_unsafe_or_malformed_cells_block_publication(settings, values, flags, expected):
    report = validate_release_tables([_table(values, flags)], settings, "t")
    assert report.blocks_publication
    assert any(expected in failure for failure in report.critical_failures)
