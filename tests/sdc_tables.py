"""Builders for disclosure-control tests: tidy tables with every margin computed from the inner cells."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import polars as pl

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, with_empty_flags


def with_margins(
    name: str,
    dims: Sequence[tuple[str, Sequence[str], str | None]],
    inner: Mapping[tuple[str, ...], int],
    parents: Mapping[str, Mapping[str, str]] | None = None,
    extra: Mapping[str, Mapping[tuple[str, ...], int]] | None = None,
) -> TidyTable:
    """A count table 'arrests' over ``dims`` (name, leaf labels, total label or None); margins (totals and
    hierarchy parents) are added up from ``inner``. ``extra`` adds further count measures (e.g. people) whose
    margins are given explicitly for every row, since distinct people do not add up."""
    parents = parents or {}
    levels = []
    for d, leaves, total in dims:
        groups = sorted({parents.get(d, {}).get(x) for x in leaves} - {None})
        levels.append(list(leaves) + groups + ([total] if total else []))

    def covers(d: int, label: str, leaf: str) -> bool:
        name_, _, total = dims[d]
        up = leaf
        while up is not None:
            if up == label:
                return True
            up = parents.get(name_, {}).get(up)
        return label == total

    rows = []
    for combo in itertools.product(*levels):
        value = sum(
            v for key, v in inner.items() if all(covers(d, combo[d], key[d]) for d in range(len(dims)))
        )
        rows.append((*combo, value) + tuple(m[combo] for m in (extra or {}).values()))
    schema = [d[0] for d in dims] + ["arrests"] + list(extra or {})
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    measures = [Measure("arrests", "Number of arrests", Role.COUNT)]
    measures += [Measure(m, m.replace("_", " ").capitalize(), Role.COUNT) for m in extra or {}]
    table = TidyTable(
        name,
        name.replace("_", " ").capitalize(),
        tuple(
            Dimension(d, d.replace("_", " ").capitalize(), total=total, parents=dict(parents.get(d, {})))
            for d, _, total in dims
        ),
        tuple(measures),
        frame,
    )
    return with_empty_flags(table)


def flags(table: TidyTable, measure: str = "arrests") -> dict[tuple[str, ...], str]:
    f = table.frame
    return {
        tuple(str(x) for x in row[:-1]): row[-1]
        for row in f.select([*table.dimension_names, f"{measure}_flag"]).iter_rows()
    }


def hidden(table: TidyTable, measure: str = "arrests") -> set[tuple[str, ...]]:
    return {k for k, v in flags(table, measure).items() if "[c]" in v}
