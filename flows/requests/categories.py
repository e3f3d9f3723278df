"""The categories of a breakdown or filter: a fixed list, the reference data, or every value in the warehouse.

The queries are constants keyed by allow-listed (source, breakdown) pairs, so no spec text reaches them. The
labels are the ones the units templates in ``sql/requests/`` give (a missing value is 'Not recorded').
"""

from __future__ import annotations

import duckdb

from flows.requests.catalogue import BREAKDOWNS

_STOP_SEARCH = "select distinct coalesce({c}, 'Not recorded') from staging.police_uk_stop_searches order by 1"

QUERIES = {
    ("custody", "outcome"): "select disposal_group from ref.custody_disposals order by rowid",
    ("custody", "further_action"): "select further_action from ref.custody_disposals order by rowid",
    ("custody", "disposal"): "select disposal from ref.custody_disposals order by rowid",
    ("custody", "offence_group"): "select offence_group from ref.offence_groups order by rowid",
    ("crime", "offence_group"): "select ho_offence_group from ref.ho_offence_codes order by rowid",
    ("crime", "outcome"): "select outcome_group from ref.ho_outcome_types order by rowid",
    ("crime", "outcome_type"): "select outcome_label from ref.ho_outcome_types order by rowid",
    (
        "custody",
        "gender",
    ): "select distinct coalesce(gender, 'Not recorded') from core.arrest_offences order by 1",
    (
        "custody",
        "station",
    ): "select distinct coalesce(station, 'Not recorded') from core.arrest_offences order by 1",
    (
        "custody",
        "arresting_agency",
    ): "select distinct coalesce(arresting_agency, 'Not recorded') from core.arrest_offences order by 1",
    ("crime", "district"): "select distinct coalesce(district, 'Not recorded') from core.crimes order by 1",
    ("police_uk", "outcome"): "select distinct coalesce(nullif(trim(last_outcome_category), ''), 'No outcome "
    "recorded') from staging.police_uk_street_crimes order by 1",
    **{
        ("stop_search", name): _STOP_SEARCH.format(c=name)
        for name in (
            "outcome",
            "object_of_search",
            "legislation",
            "gender",
            "age_range",
            "officer_defined_ethnicity",
        )
    },
}
#: queries that need only the reference data (``disclose check`` runs them on the committed files)
REFERENCE_ONLY = frozenset(k for k, q in QUERIES.items() if " from ref." in q)


def categories(con: duckdb.DuckDBPyConnection, name: str, source: str) -> list[str]:
    """The categories a breakdown shows (zeros included): fixed lists, the reference data or the warehouse."""
    fixed = BREAKDOWNS[name].categories
    if fixed:
        return list(fixed)
    query = QUERIES[(source, name)]  # keys are allow-listed pairs; the texts are constants
    return list(dict.fromkeys(r[0] for r in con.sql(query).fetchall()))


def known_categories(con: duckdb.DuckDBPyConnection | None, name: str, source: str) -> list[str] | None:
    """Every category a filter on ``name`` may name: the categories plus the label of records without a value
    for fixed lists. None when it cannot be known here (an open list, and no warehouse to read)."""
    b = BREAKDOWNS[name]
    if b.categories:
        return [*b.categories, *([b.missing] if b.missing and b.missing not in b.categories else [])]
    if con is None or (source, name) not in QUERIES:
        return None
    return categories(con, name, source)
