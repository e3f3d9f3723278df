"""The tidy-table, release-id and config contracts every stage relies on."""

from __future__ import annotations

import polars as pl
import pytest

from flows.config import ConfigError, load_settings
from flows.contracts.release import ReleaseId, ReleaseIdError, check_reference, next_release_id
from flows.contracts.tidy import Dimension, Measure, TidyContractError, TidyTable, check_tidy, published_view


def _table(rows: list[tuple[str, str, int]], flags: list[str] | None = None) -> TidyTable:
    frame = pl.DataFrame(rows, schema=["offence", "year", "arrests"], orient="row").with_columns(
        pl.Series("arrests_flag", flags or [""] * len(rows))
    )
    return TidyTable(
        "t",
        "Test table",
        (Dimension("offence", "Offence", total="All offences"), Dimension("year", "Year", total="All years")),
        (Measure("arrests", "Arrests"),),
        frame,
    )


GOOD = [
    ("A", "2020", 3),
    ("B", "2020", 7),
    ("All offences", "2020", 10),
    ("A", "All years", 3),
    ("B", "All years", 7),
    ("All offences", "All years", 10),
]


def test_margins_must_equal_the_sum_of_their_cells():
    check_tidy(_table(GOOD))
    broken = [r if r[0] != "All offences" or r[1] != "2020" else ("All offences", "2020", 11) for r in GOOD]
    with pytest.raises(
        TidyContractError, match="margin offence='All offences' is 11 but its parts sum to 10"
    ):
        check_tidy(_table(broken))


def test_keys_unique_counts_whole_and_flags_known():
    with pytest.raises(TidyContractError, match="uniquely"):
        check_tidy(_table([("A", "2020", 1), ("A", "2020", 2)]))
    with pytest.raises(TidyContractError, match="negative"):
        check_tidy(_table([("A", "2020", -1)]))
    with pytest.raises(TidyContractError, match="unknown shorthand"):
        check_tidy(_table([("A", "2020", 1)], flags=["*"]))
    check_tidy(_table([("A", "2020", 1)], flags=["[c][p]"]))


def test_published_view_blanks_hidden_values_only():
    view = published_view(_table([("A", "2020", 3), ("B", "2020", 7)], flags=["[c]", ""]))
    assert view["arrests"].to_list() == [None, 7]
    assert view["arrests_flag"].to_list() == ["[c]", ""]


def test_release_ids_are_paths_with_versions(tmp_path):
    rid = ReleaseId.parse("01.FOI.22.025326/v2")
    assert (rid.reference, rid.version) == ("01.FOI.22.025326", 2)
    assert rid.path_under(tmp_path) == tmp_path / "01.FOI.22.025326" / "v2"
    for bad in ("../etc/v1", "a b/v1", "x/v0", "x/1", "x/v1\n", "x\n/v1"):
        with pytest.raises(ReleaseIdError):
            ReleaseId.parse(bad)
    for bad in ("REF\n", "REF\r\n", "\nREF", "a/b", ""):  # a trailing newline would name a folder "REF\n"
        with pytest.raises(ReleaseIdError):
            check_reference(bad)
    assert next_release_id(tmp_path, "ref-1") == ReleaseId("ref-1", 1)
    (tmp_path / "ref-1" / "v1").mkdir(parents=True)
    (tmp_path / "ref-1" / "v3").mkdir()
    assert str(next_release_id(tmp_path, "ref-1")) == "ref-1/v4"


def test_settings_from_toml_and_environment(tmp_path, monkeypatch):
    cfg = tmp_path / "disclose.toml"
    cfg.write_text('[disclose]\nhome = "somewhere"\nthreshold = 10\norganisation = "Toml Police"\n')
    s = load_settings(cfg)
    assert (s.home, s.threshold, s.organisation) == ((tmp_path / "somewhere").resolve(), 10, "Toml Police")
    monkeypatch.setenv("DISCLOSE_THRESHOLD", "7")
    assert load_settings(cfg).threshold == 7
    monkeypatch.delenv("DISCLOSE_THRESHOLD")
    cfg.write_text("[disclose]\nthreshold = 1\n")
    with pytest.raises(ConfigError, match="threshold"):
        load_settings(cfg)


def test_a_synthetic_home_marks_every_command_run_on_it(tmp_path, monkeypatch):
    from flows.config import SYNTHETIC_ORGANISATION, mark_synthetic
    from flows.demo import settings_for

    home = tmp_path / "home"
    assert not load_settings(home=home).synthetic
    mark_synthetic(home)
    assert load_settings(home=home).synthetic
    assert load_settings(home=home, synthetic=False).synthetic  # no option can forget it
    assert settings_for(home=str(home)).synthetic  # what `disclose request --home` and the flows use
    monkeypatch.setenv("DISCLOSE_HOME", str(home))
    assert load_settings().synthetic
    # it speaks as the demo does, so re-running the demo's request with --home does not draft a new version
    assert load_settings(home=home).organisation == SYNTHETIC_ORGANISATION
    assert load_settings(home=home, organisation="Test Constabulary").organisation == "Test Constabulary"
