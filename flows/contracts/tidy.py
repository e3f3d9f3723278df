"""The tidy table: the one shape that SQL marts produce and suppression, writers and the guard consume.

A tidy table is a Polars frame with one row per cell-row: dimension columns (text labels), and for each
measure a value column ``<measure>`` and a shorthand column ``<measure>_flag``. Margins are ordinary rows
whose dimension value is the dimension's ``total`` label; hierarchies are declared with ``parents``.
Inside the warehouse the frame holds true values; :func:`published_view` is the only way to a frame a
writer may see, and it blanks every value whose flag hides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

import polars as pl

#: Analysis Function shorthand (AF-SYM). Only these may appear in a flag column.
SHORTHAND: Mapping[str, str] = {
    "[c]": "confidential: withheld to protect the people the figures count",
    "[x]": "not available",
    "[z]": "not applicable",
    "[low]": "a value that rounds to zero but is not zero",
    "[p]": "provisional: may be revised as outcomes are finalised",
    "[r]": "revised since the previous release",
}
#: Flags that replace the value (the cell shows the flag instead of a number).
HIDING_FLAGS = frozenset({"[c]", "[x]", "[z]", "[low]"})


class Role(StrEnum):
    """What a measure column holds; derived roles inherit suppression from their inputs."""

    COUNT = "count"
    RATE = "rate"
    CHANGE = "change"
    PCT_CHANGE = "pct_change"
    PEOPLE = "people"  # distinct people behind the count <m> (named <m>_people): decides sensitivity, never published


@dataclass(frozen=True)
class Dimension:
    """A classifying column.

    ``total`` is the label of the all-categories margin (None: no margin is present).
    ``parents`` maps a category to its parent category in the same column (a hierarchy such as
    offence -> offence group); top-level categories need not be listed: their parent is ``total``.
    ``codes`` optionally maps a label to its code, which writers put in a column of its own.
    """

    name: str
    title: str
    total: str | None = None
    parents: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, str] = field(default_factory=dict)

    def parent_of(self, category: str) -> str | None:
        if category == self.total:
            return None
        return self.parents.get(category, self.total)


@dataclass(frozen=True)
class Measure:
    """A value column. Counts are integers; derived measures name the measures they are computed from."""

    name: str
    title: str
    role: Role = Role.COUNT
    inputs: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        return f"{self.name}_flag"


@dataclass(frozen=True)
class Comparison:
    """Measure ``previous`` counts what ``current`` counts, a year earlier: same labels, other days.

    ``previous_labels`` maps each label of ``dimension`` (the total included) to a label naming the window the
    ``previous`` figure actually covers: the label of the row that covers that same window where the table has
    one (so disclosure control sees one cell, not two), else a label of its own. Disclosure control and its
    audit link the two figures through it; readers see the ordinary labels.
    """

    current: str
    previous: str
    dimension: str
    previous_labels: Mapping[str, str]


@dataclass(frozen=True)
class TidyTable:
    """A table of cells plus the metadata every later stage needs to agree on what a cell is."""

    name: str  # machine name, lower_snake, e.g. arrests_by_offence_group_year_outcome
    title: str  # what, where and when, e.g. "Arrests by offence group, year and outcome, 2013 to 2026"
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    frame: pl.DataFrame
    notes: tuple[str, ...] = ()  # table-specific notes for the Notes sheet
    # False when a margin is not the sum of its cells (persons counted once across categories; the
    # any-offence rule, where one arrest appears under several offences). Disclosure control must then
    # not treat margins as sums, and check_tidy skips the sum check.
    additive: bool = True
    comparison: Comparison | None = None  # a measure that counts the same thing a year earlier
    rounded_to: int | None = (
        None  # counts rounded to this base by disclosure control: margins no longer add up
    )
    combined: tuple[
        str, ...
    ] = ()  # what disclosure control combined, for the title: ("all periods combined",)
    public_source: str | None = (
        None  # already published there (data.police.uk): shown in full, small counts too
    )

    @property
    def dimension_names(self) -> list[str]:
        return [d.name for d in self.dimensions]

    def measure(self, name: str) -> Measure:
        return next(m for m in self.measures if m.name == name)

    def with_frame(self, frame: pl.DataFrame) -> TidyTable:
        return replace(self, frame=frame)


class TidyContractError(ValueError):
    """A table breaks the tidy contract; the message names the table, column and problem."""


def with_empty_flags(table: TidyTable) -> TidyTable:
    """Add empty flag columns where missing (a fresh mart has no flags yet)."""
    missing = [pl.lit("").alias(m.flag) for m in table.measures if m.flag not in table.frame.columns]
    return table.with_frame(table.frame.with_columns(missing)) if missing else table


def check_tidy(table: TidyTable) -> None:
    """Enforce the contract: columns present, keys unique and non-null, counts whole and >= 0, flags known,
    categories in the declared hierarchy, and margins equal to the sum of their children (true values)."""
    f, where = table.frame, f"table {table.name!r}"
    expected = table.dimension_names + [c for m in table.measures for c in (m.name, m.flag)]
    missing = [c for c in expected if c not in f.columns]
    if missing:
        raise TidyContractError(f"{where}: missing column(s) {missing}")
    extra = [c for c in f.columns if c not in expected]
    if extra:
        raise TidyContractError(f"{where}: unexpected column(s) {extra}")
    for d in table.dimensions:
        if f[d.name].null_count():
            raise TidyContractError(f"{where}: dimension {d.name!r} has empty labels")
    if f.select(table.dimension_names).is_duplicated().any():
        raise TidyContractError(f"{where}: dimension values do not identify rows uniquely")
    for m in table.measures:
        flags = set(f[m.flag].unique().to_list()) - {""}
        unknown = {x for x in flags if not _is_shorthand(x)}
        if unknown:
            raise TidyContractError(f"{where}: column {m.flag!r} holds unknown shorthand {sorted(unknown)}")
        if m.role is Role.COUNT:
            values = f[m.name]
            if not values.dtype.is_integer():
                raise TidyContractError(f"{where}: count column {m.name!r} is {values.dtype}, not integer")
            if (values.drop_nulls() < 0).any():
                raise TidyContractError(f"{where}: count column {m.name!r} has negative values")
    if table.additive and table.rounded_to is None:
        _check_margins(table)


def _is_shorthand(flag: str) -> bool:
    parts = flag.replace("][", "]\0[").split("\0")
    return all(p in SHORTHAND for p in parts)


def _check_margins(table: TidyTable) -> None:
    """Every parent cell equals the sum of its children, dimension by dimension (true values only)."""
    counts = [m.name for m in table.measures if m.role is Role.COUNT]
    f = table.frame
    for d in table.dimensions:
        present = set(f[d.name].unique().to_list())
        parent_map = {c: d.parent_of(c) for c in present if d.parent_of(c) in present}
        if not parent_map:
            continue  # this dimension has no margins in the table
        others = [n for n in table.dimension_names if n != d.name]
        children = (
            f.filter(pl.col(d.name).is_in(list(parent_map)))
            .with_columns(pl.col(d.name).replace_strict(parent_map).alias("__parent"))
            .group_by([*others, "__parent"])
            .agg([pl.col(c).sum().alias(f"__sum_{c}") for c in counts])
        )
        joined = children.join(
            f.select([*others, d.name, *counts]).rename({d.name: "__parent"}),
            on=[*others, "__parent"],
            how="inner",
        )
        for c in counts:
            bad = joined.filter(pl.col(c) != pl.col(f"__sum_{c}"))
            if bad.height:
                row = bad.row(0, named=True)
                raise TidyContractError(
                    f"table {table.name!r}: margin {d.name}={row['__parent']!r} is {row[c]} but its parts sum "
                    f"to {row[f'__sum_{c}']} (measure {c!r})"
                )


def published_view(table: TidyTable) -> pl.DataFrame:
    """The frame a writer may see: each value blanked where its flag hides it. Flags are kept."""
    f = table.frame
    hidden = [
        pl.when(_hides(pl.col(m.flag))).then(None).otherwise(pl.col(m.name)).alias(m.name)
        for m in table.measures
    ]
    return f.with_columns(hidden)


def _hides(flag: pl.Expr) -> pl.Expr:
    return pl.any_horizontal([flag.str.contains(x, literal=True) for x in HIDING_FLAGS])
