"""The disclosure-control policy: every threshold and choice, as validated data.

A force's rules differ (a higher k for sexual offences, rounding because a partner insists, zeros treated as
disclosive), so none of them live in code. The policy is public: an intruder is assumed to know it, and the
audit models exactly what it implies (k, the group rule, whether zeros are ever hidden).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Strategy = Literal["auto", "suppress", "collapse", "round"]  # auto: the chooser scores every alternative


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ThresholdOverride(_Frozen):
    """A higher k for a topic: cells whose ``dimension`` label is one of ``labels`` (or sits below one of them
    in that dimension's hierarchy) use ``k``. ``table`` limits the override to one table name."""

    k: int = Field(ge=2, le=1000)
    dimension: str
    labels: tuple[str, ...] = Field(min_length=1)
    table: str | None = None


class ScoreWeights(_Frozen):
    """What the chooser counts as the requester's gain (flows/sdc/score.py; the README gives the formula)."""

    exact: float = Field(default=1.0, ge=0, description="a requested figure published exactly")
    covered: float = Field(
        default=1.0, ge=0, description="a combined figure, shared among the requested figures it covers"
    )
    total: float = Field(default=10.0, ge=0, description="bonus for a requested total published exactly")
    rounded: float = Field(
        default=0.5, ge=0, le=1, description="a rounded figure, as a share of an exact one"
    )
    combined: dict[str, float] = Field(
        default_factory=lambda: {"period": 1.0, "year": 1.0},
        description="what a table keeps of the question when this dimension is combined, as a share (several "
        "combined: the product); combining the period keeps the question over the whole span asked",
    )
    combined_other: float = Field(default=0.5, ge=0, le=1, description="the share for any other dimension")


class SdcPolicy(_Frozen):
    k: int = Field(default=5, ge=2, le=1000, description="counts 1..k-1 are sensitive")
    overrides: tuple[ThresholdOverride, ...] = ()
    protection_width: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="an intruder must not narrow any [c] cell to an interval narrower than this "
        "(1: never recovered exactly)",
    )
    people_suffix: str = Field(
        default="_people",
        description="a count measure <m><suffix> holds distinct people for measure <m>: used for the person "
        "rule, never published",
    )
    group_rule: Literal["off", "hide_zeros"] = Field(
        default="hide_zeros",
        description="when a small row has everyone in one category of group_dimension, hide that row's zeros "
        "so the shared outcome is not revealed",
    )
    group_dimension: str = "outcome"
    group_max_total: int | None = Field(default=None, ge=1, description="a 'small' row total; None: 2k-1")
    zeros: Literal["publish", "may_suppress"] = Field(
        default="publish",
        description="publish: zeros are never hidden (except by the group rule), so an intruder knows each [c] "
        "is at least 1; may_suppress: zeros may be hidden as secondary cells",
    )
    strategy: Strategy = "auto"
    cost: Literal["cells", "values", "blend"] = Field(
        default="blend",
        description="information loss minimised: cells hidden, their values (each plus one), or 'blend': what the "
        "chooser counts as lost (score_weights: each figure, a total counting the total bonus too), "
        "smaller values first among equals (the default: on the benchmark tables it withholds fewer "
        "cells and totals than 'values' and scores higher; 'cells' is slower and withholds more)",
    )
    score_weights: ScoreWeights = ScoreWeights()
    time_limit_s: float = Field(default=120.0, gt=0, description="for the exact solver; then the heuristic")
    mip_gap: float = Field(
        default=0.001, ge=0, le=1, description="the master MIP stops within this relative gap"
    )
    gap_target: float = Field(
        default=0.01,
        ge=0,
        le=1,
        description="the exact loop stops once a protecting pattern is proven within this relative gap of the "
        "least loss (0: run to the optimum or the time limit)",
    )
    reuse_previous_pattern: bool = Field(
        default=True,
        description="a table protected again (a standing period re-drafted or revised) starts from the cells its "
        "previous version withheld, re-checked exactly against the new figures: the exact loop starts from it "
        "and keeps it once it is proven within reuse_max_gap of the least loss (flows/sdc/reuse.py)",
    )
    reuse_max_gap: float = Field(
        default=0.10,
        ge=0,
        le=1,
        description="the previous pattern is kept while it is proven within this relative gap of the least loss",
    )
    exact_max_cells: int = Field(
        default=100_000,
        ge=0,
        description="larger systems go straight to the heuristic (the exact loop proves the "
        "150x12x22 benchmark table, 45,000 cells, optimal in about 25 s of CPU)",
    )
    collapse_dimensions: tuple[str, ...] = Field(
        default=(),
        description="dimensions the chooser may combine, in order of preference; empty: any with a "
        "total or a hierarchy",
    )
    round_base: int = Field(default=5, ge=2, le=100)
    non_additive: tuple[str, ...] = Field(
        default=(),
        description="'table.dimension' or 'dimension' whose margin is not the sum of its parts (the any-offence "
        "rule: a person is counted under each offence): margin >= each part and <= their sum",
    )
    comparisons: dict[str, str] = Field(
        default_factory=dict,
        description="'table.measure' or 'measure' -> the dimension a change is measured along (each row is "
        "compared with the previous category); inferred from the values when absent",
    )
    pending_labels: tuple[str, ...] = ("Outcome pending",)
    public_facts: dict[str, str] = Field(
        default_factory=lambda: {"police_uk_crimes": "data.police.uk"},
        description="facts anyone can compute from what the force already publishes -> where: their figures are "
        "published in full (nothing they show can be given away) and still recorded",
    )

    @model_validator(mode="after")
    def _overrides_raise_k(self) -> SdcPolicy:
        low = [o for o in self.overrides if o.k < self.k]
        if low:
            raise ValueError(f"threshold overrides may only raise k={self.k}; got {[o.k for o in low]}")
        return self

    @property
    def small_total(self) -> int:
        return self.group_max_total or 2 * self.k - 1

    def is_non_additive(self, table: str, dimension: str) -> bool:
        return dimension in self.non_additive or f"{table}.{dimension}" in self.non_additive

    def comparison_for(self, table: str, measure: str) -> str | None:
        return self.comparisons.get(f"{table}.{measure}") or self.comparisons.get(measure)
