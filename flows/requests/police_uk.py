"""data.police.uk crime types as offence categories.

police.uk publishes one crime type per crime (e.g. "Drugs", "Shoplifting"), a month, an anonymised location and
the last outcome category; nothing about the people involved. A request for this measure names crime types;
they are checked against the types present in the loaded police.uk data.
"""

from __future__ import annotations

import duckdb

from flows.requests.errors import SpecError
from flows.requests.models import Offences
from flows.requests.offences import Category, ResolvedOffences
from flows.requests.suggest import suggest

#: the crime types of the current data.police.uk street files (data/reference/police_uk_crime_types.csv has history)
CRIME_TYPES = (
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime",
    "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
    "Vehicle crime", "Violence and sexual offences",
)  # fmt: skip


def resolve_crime_types(con: duckdb.DuckDBPyConnection, offences: Offences, where: str) -> ResolvedOffences:
    present = [
        r[0] for r in con.sql("select distinct crime_type from staging.police_uk_street_crimes").fetchall()
    ]
    known = sorted({*CRIME_TYPES, *present})
    if offences.all_offences:
        return ResolvedOffences(
            (), {t: t for t in known}, {t: t for t in known}, offences.label or "All crime types"
        )
    by_lower = {t.lower(): t for t in known}
    categories, problems = [], []
    for i, item in enumerate(offences.items):
        name = by_lower.get(item.value.strip().lower())
        if name is None:
            problems.append(
                (
                    f"{where}.items[{i}].crime_type",
                    f"{item.value!r} is not a data.police.uk crime type{suggest(item.value, known)}",
                )
            )
            continue
        categories.append(Category(item.label or name, (name,), "crime_type"))
    if problems:
        raise SpecError(problems)
    together = offences.label or (categories[0].label if len(categories) == 1 else "Selected crime types")
    return ResolvedOffences(tuple(categories), {t: t for t in known}, {t: t for t in known}, together)
