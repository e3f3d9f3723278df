"""Validate what is about to be published with the `release.cells` GX suite: the published view of every
table in long form (one row per cell and measure), so the suite is the same whatever a table's shape."""

from __future__ import annotations

import duckdb
import polars as pl

from flows.config import Settings
from flows.contracts.tidy import HIDING_FLAGS, TidyTable, published_view
from flows.validate.report import ValidationReport
from flows.validate.runner import run_suite


def release_cells(tables: list[TidyTable]) -> pl.DataFrame:
    frames = []
    for t in tables:
        view = published_view(t)
        cell = pl.concat_str([pl.col(d).cast(pl.Utf8) for d in t.dimension_names], separator=" | ").alias(
            "cell"
        )
        for m in t.measures:
            frames.append(
                view.select(
                    pl.lit(t.name).alias("table_name"),
                    cell,
                    pl.lit(m.name).alias("measure"),
                    pl.lit("public count" if t.public_source and m.role == "count" else str(m.role)).alias(
                        "role"
                    ),
                    pl.col(m.flag).alias("flag"),
                    pl.col(m.name).cast(pl.Float64).alias("value"),
                    pl.any_horizontal(
                        [pl.col(m.flag).str.contains(x, literal=True) for x in HIDING_FLAGS]
                    ).alias("hidden"),
                )
            )
    return pl.concat(frames)


def validate_release_tables(tables: list[TidyTable], settings: Settings, run_id: str) -> ValidationReport:
    con = duckdb.connect()
    try:
        con.register("release_cells", release_cells(tables))
        return run_suite(
            con,
            "release.cells",
            params={"k": settings.threshold},
            expectations_dir=settings.expectations_dir,
            sql_dir=settings.sql_dir,
            run_id=run_id,
        )
    finally:
        con.close()
