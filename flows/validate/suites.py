"""Suites live in ``expectations/<suite>.json`` as GX 1.x ExpectationSuite JSON; ``meta.disclose`` says
which query in ``sql/`` produces the (small) frame GX validates.

``meta.disclose`` holds:
  ``query``            the check query, relative to ``sql_dir`` (e.g. ``checks/staging.crimes.sql``); one that
                       takes ``$checked_file_ids`` is computed per file and kept (per_file.py)
  ``index_columns``    columns that name a failing row in messages (e.g. ``file_id``), never personal data
  ``params``           default DuckDB parameters (``$name``); callers may override, not add
  ``suite_parameters`` ``{name: {query | param, returns: list|value}}``: the GX suite parameter ``name``
                       (used as ``{"$PARAMETER": name}``) is the result of a query (e.g. a reference value
                       set) or one of ``params`` (e.g. a margin label as a one-item list)

Severity is GX's own per-expectation ``severity`` field (critical / warning), which GX would otherwise
default to critical; we require it to be written out so each choice is deliberate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

SEVERITIES = ("critical", "warning")
RETURNS = ("list", "value")


class SuiteError(ValueError):
    """A suite or its query cannot be used; the message names the suite and file."""


@dataclass(frozen=True)
class SuiteParameter:
    """Where a GX suite parameter comes from: a query under sql/, or one of the suite's params."""

    query: str | None = None
    param: str | None = None
    returns: str = "list"


@dataclass(frozen=True)
class SuiteSpec:
    """What the runner needs besides the GX suite itself."""

    name: str
    path: Path
    query: str
    index_columns: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    suite_parameters: dict[str, SuiteParameter] = field(default_factory=dict)


def suite_names(expectations_dir: Path) -> list[str]:
    return sorted(p.stem for p in expectations_dir.glob("*.json"))


def suite_path(expectations_dir: Path, suite: str) -> Path:
    path = expectations_dir / f"{suite}.json"
    if not path.is_file():
        known = ", ".join(suite_names(expectations_dir)) or "none"
        raise SuiteError(f"no suite {suite!r}: {path} does not exist (suites: {known})")
    return path


def load_spec(expectations_dir: Path, suite: str) -> SuiteSpec:
    """The suite's check query and parameters (no GX needed: the queries can run while GX still imports)."""
    path = suite_path(expectations_dir, suite)
    return _spec(path, (_raw(path, path.stat().st_mtime_ns).get("meta") or {}))


def load_suite(expectations_dir: Path, suite: str):  # -> great_expectations.ExpectationSuite
    """The suite as GX's own class (cached per file version; GX is imported here, lazily)."""
    path = suite_path(expectations_dir, suite)
    return _load(path, path.stat().st_mtime_ns)[1]


@lru_cache(maxsize=64)
def _raw(path: Path, _mtime_ns: int) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path}: not valid JSON: {exc}") from None
    if raw.get("name") != path.stem:
        raise SuiteError(f"{path}: suite name {raw.get('name')!r} must match the file name {path.stem!r}")
    for i, exp in enumerate(raw.get("expectations") or []):
        if exp.get("severity") not in SEVERITIES:
            raise SuiteError(
                f"{path}: expectation {i} ({exp.get('type')}) needs severity one of {SEVERITIES}"
            )
    return raw


@lru_cache(maxsize=64)
def _load(path: Path, _mtime_ns: int):
    from flows.validate.gx_loader import gx_ready

    gx_ready()  # never import GX while another thread is importing it
    from great_expectations.core.expectation_suite import ExpectationSuite, ExpectationSuiteSchema

    raw = _raw(path, _mtime_ns)
    try:
        suite = ExpectationSuite(**ExpectationSuiteSchema().load(raw))
    except Exception as exc:  # marshmallow / pydantic errors: name the file, keep the reason
        raise SuiteError(f"{path}: not a GX expectation suite: {exc}") from None
    # GX logs and drops an expectation it cannot build; a silently shorter suite would pass too easily.
    if len(suite.expectations) != len(raw.get("expectations") or []):
        raise SuiteError(f"{path}: GX could not build every expectation (see the log for which)")
    return _spec(path, raw.get("meta") or {}), suite


def _spec(path: Path, meta: dict) -> SuiteSpec:
    d = meta.get("disclose")
    if not isinstance(d, dict) or not isinstance(d.get("query"), str):
        raise SuiteError(f"{path}: meta.disclose.query (the check query under sql/) is required")
    params = dict(d.get("params") or {})
    sources = {}
    for name, src in (d.get("suite_parameters") or {}).items():
        ok = (
            isinstance(src, dict)
            and src.get("returns", "list") in RETURNS
            and (isinstance(src.get("query"), str) != (src.get("param") in params))
        )
        if not ok:
            raise SuiteError(
                f"{path}: meta.disclose.suite_parameters.{name} needs a query or one of params "
                f"{sorted(params)}, and returns in {RETURNS}"
            )
        sources[name] = SuiteParameter(src.get("query"), src.get("param"), src.get("returns", "list"))
    return SuiteSpec(
        name=path.stem,
        path=path,
        query=d["query"],
        index_columns=tuple(d.get("index_columns") or ()),
        params=params,
        suite_parameters=sources,
    )
