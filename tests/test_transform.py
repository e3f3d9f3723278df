"""Core counting rules and the standing mart, computed from staged rows."""

from __future__ import annotations

from flows.contracts.tidy import check_tidy
from flows.ingest import ingest_landing
from flows.reference.load import load_reference
from flows.transform import build_models, standing_arrests_table
from flows.warehouse import connect
from tests.conftest import CUSTODY_HEADER, custody_row, write_extract


def _load(settings, *files):
    for i, rows in enumerate(files):
        extracted = rows[0].rsplit(",", 1)[1]
        write_extract(settings.landing_dir, f"custody_{i}.csv", CUSTODY_HEADER, rows)
        assert extracted
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        ingest_landing(con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=1)
        build_models(con, settings.sql_dir)
        return con.sql("select custody_ref, offence_code, disposal from core.arrests order by 1").fetchall(), \
            standing_arrests_table(con)


def test_a_later_extract_replaces_all_of_a_records_rows_even_if_it_arrives_first(settings):
    early = [custody_row("C1", seq=1, code="TH68010", disposal="Bailed", extracted="01/01/2016 02:00"),
             custody_row("C1", seq=2, code="CD71039", disposal="Bailed", extracted="01/01/2016 02:00")]
    late = [custody_row("C1", seq=1, code="CD71039", disposal="Charged", extracted="01/03/2016 02:00")]
    # the later extract lands first (out of order): extracted_at decides, not arrival
    arrests, _ = _load(settings, late, early)
    assert arrests == [("C1", "CD71039", "Charged")]


def test_one_arrest_per_custody_record_under_its_principal_offence(settings):
    rows = [custody_row("C1", seq=1, code="TH68010"), custody_row("C1", seq=2, code="MD71210"),
            custody_row("C2", seq=1, code="MD71210")]
    arrests, table = _load(settings, rows)
    assert arrests == [("C1", "TH68010", "Charged"), ("C2", "MD71210", "Charged")]
    check_tidy(table)  # margins add up
    f = table.frame
    cell = f.filter((f["offence_group"] == "Theft offences") & (f["calendar_year"] == "2015") & (f["outcome"] == "Charged"))
    total = f.filter((f["offence_group"] == "All offence groups") & (f["calendar_year"] == "All years")
                     & (f["outcome"] == "All outcomes"))
    assert cell["arrests"].to_list() == [1] and total["arrests"].to_list() == [2]
    assert f.filter(f["arrests"] == 0).height > 0  # zeros are explicit cells
