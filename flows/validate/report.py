"""What a validation found, in plain records: one per expectation, plus short messages for people.

GX's own result objects are large and version-specific; everything downstream (the warehouse table, the
CLI, the flows) reads these records instead. Observed summaries hold counts and labels from the check
query's result only, and check queries return aggregates or published cells, never a person's row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_EXAMPLES = 3
MAX_VALUE_CHARS = 40


@dataclass(frozen=True)
class ExpectationRecord:
    expectation_type: str
    columns: tuple[str, ...]
    severity: str  # critical | warning
    success: bool
    observed: str  # e.g. "1 of 12 rows fail; e.g. file_id=3: unknown_offence_code_rows=2"
    description: str = ""

    @property
    def message(self) -> str:
        cols = f"({', '.join(self.columns)})" if self.columns else "(table)"
        why = f" [{self.description}]" if self.description else ""
        return f"{self.expectation_type} {cols}: {self.observed}{why}"


@dataclass(frozen=True)
class ValidationReport:
    suite: str
    run_id: str
    validated_at: datetime  # UTC, naive (as stored)
    results: tuple[ExpectationRecord, ...]
    seconds: float = 0.0  # wall time of queries + GX
    gx_result: Any = field(default=None, repr=False, compare=False)  # GX's result as JSON, for Data Docs only

    @property
    def success(self) -> bool:
        """Every expectation passed, warnings included."""
        return all(r.success for r in self.results)

    @property
    def critical_failures(self) -> tuple[str, ...]:
        return tuple(r.message for r in self.results if not r.success and r.severity == "critical")

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(r.message for r in self.results if not r.success and r.severity != "critical")

    @property
    def blocks_publication(self) -> bool:
        return bool(self.critical_failures)


def record_from_gx(result: Any, index_columns: tuple[str, ...]) -> ExpectationRecord:
    """Turn one GX ExpectationValidationResult into a record. An expectation that could not run is a
    critical failure whatever its declared severity: the data was not tested as intended."""
    config = result.expectation_config
    error = _exception_message(result.exception_info)
    severity = str(getattr(config.severity, "value", config.severity))
    return ExpectationRecord(
        expectation_type=config.type,
        columns=_columns(config.kwargs),
        severity="critical" if error else severity,
        success=bool(result.success) and not error,
        observed=f"could not run: {error}"
        if error
        else _observed(result.result or {}, config.kwargs, index_columns),
        description=config.description or "",
    )


def _columns(kwargs: dict) -> tuple[str, ...]:
    if "column_list" in kwargs:
        return tuple(kwargs["column_list"])
    if "column_A" in kwargs:
        return (kwargs["column_A"], kwargs["column_B"])
    return (kwargs["column"],) if "column" in kwargs else ()


def _observed(res: dict, kwargs: dict, index_columns: tuple[str, ...]) -> str:
    if "observed_value" in res:
        expected = kwargs.get("value")
        tail = (
            f" (expected {_fmt(expected)})" if expected is not None and not isinstance(expected, dict) else ""
        )
        return f"observed {_fmt(res['observed_value'])}{tail}"
    if "unexpected_count" not in res:
        return "no details"
    bad, total = res["unexpected_count"], res.get("element_count")
    text = f"{bad} of {total} rows fail"
    examples = [
        _example(row, index_columns)
        for row in (res.get("partial_unexpected_index_list") or [])
        if isinstance(row, dict)
    ]  # without index columns GX lists bare positions: use the values
    if not examples:
        examples = [_fmt(v) for v in res.get("partial_unexpected_list") or []]
    examples = list(dict.fromkeys(examples))  # distinct, in order
    return f"{text}; e.g. {'; '.join(examples[:MAX_EXAMPLES])}" if bad and examples else text


def _example(row: dict, index_columns: tuple[str, ...]) -> str:
    where = ", ".join(f"{k}={_fmt(row[k])}" for k in index_columns if k in row)
    values = ", ".join(f"{k}={_fmt(v)}" for k, v in row.items() if k not in index_columns)
    return f"{where}: {values}" if where and values else where or values


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "null"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dict):
        return "(" + ", ".join(f"{k}={_fmt(x)}" for k, x in v.items()) + ")"
    if isinstance(v, list | tuple):
        return (
            "["
            + ", ".join(_fmt(x) for x in v[:MAX_EXAMPLES])
            + (", ..." if len(v) > MAX_EXAMPLES else "")
            + "]"
        )
    s = v if isinstance(v, str) else str(v)
    s = s if len(s) <= MAX_VALUE_CHARS else s[: MAX_VALUE_CHARS - 1] + "…"
    return repr(s) if isinstance(v, str) else s


def _exception_message(info: Any) -> str | None:
    """GX nests exception info either flat or keyed by metric id."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "unknown error").splitlines()[0][:200]
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "unknown error").splitlines()[0][:200]
    return None
