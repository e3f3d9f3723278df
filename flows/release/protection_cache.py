"""Protection done once per input: the same true tables, populations, policy, publication record and code
give the same protected tables, so a re-run (the nightly run re-drafting a standing period that awaits
approval, a request asked again) reuses the earlier result instead of solving again.

Exact suppression of a large table can take minutes; a nightly run with nothing new must not pay it again.
The key is a digest of everything :func:`flows.release.protection.protect_release` reads, in a canonical
form (sets sorted, frames as their bytes) plus the source of the ``flows`` package, so a fix to the code or
anything new in the record (a publication, another draft) is a miss, never a stale answer. What is reused
still goes through validation, the draft's cumulative check, the guard and the independent audit.

Entries are pickles under ``<home>/cache/protection/`` (internal, like the warehouse; written whole by a
rename); a damaged entry is a miss. The :data:`KEEP` most recently used entries are kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import io
import json
import pickle
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

import polars as pl
from pydantic import BaseModel

from flows.config import PROJECT_ROOT, Settings
from flows.publish.atomic import replace_file

KEEP = 200


def cached(
    settings: Settings,
    inputs: object,
    compute: Callable[[], object],
    kind: str = "protection",
    keep: int = KEEP,
) -> object:
    """``compute()``, or its earlier result for the same ``inputs`` (and the same code); entries of each
    ``kind`` are kept apart (and pruned apart, the ``keep`` most recently used)."""
    folder = settings.home / "cache" / kind
    path = folder / f"{digest(inputs)}.pickle"
    try:
        with path.open("rb") as fh:
            found = pickle.load(fh)  # noqa: S301 - written by this code, inside the home
        with contextlib.suppress(OSError):
            path.touch()  # recently used: kept by the pruning
        return found
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged or outdated entry is a miss
        path.unlink(missing_ok=True)
    result = compute()
    folder.mkdir(parents=True, exist_ok=True)
    replace_file(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    _prune(folder, keep)
    return result


def digest(inputs: object) -> str:
    body = json.dumps([_code_digest(), canonical(inputs)], separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def canonical(obj: object) -> object:
    """A JSON-able form that is the same in every process (a frozenset's order is not)."""
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, enum.Enum):
        return canonical(obj.value)
    if isinstance(obj, pl.DataFrame):
        buffer = io.BytesIO()
        obj.write_ipc(buffer, compression="uncompressed")
        return {"frame": hashlib.sha256(buffer.getvalue()).hexdigest()}
    if isinstance(obj, BaseModel):
        return {type(obj).__name__: obj.model_dump(mode="json")}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            type(obj).__name__: {f.name: canonical(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        }
    if isinstance(obj, Mapping):
        return sorted(([canonical(k), canonical(v)] for k, v in obj.items()), key=_order)
    if isinstance(obj, frozenset):
        return _frozen_set(obj)
    if isinstance(obj, set):
        return _a_set(obj)
    if isinstance(obj, list | tuple):
        return [canonical(v) for v in obj]
    if isinstance(obj, Path | date | datetime):
        return str(obj)
    raise TypeError(f"no canonical form for {type(obj).__name__}")


def _order(value: object) -> str:
    return json.dumps(value, sort_keys=True)


#: element types a set is sorted by directly (their own order and ``str`` are the same in every process)
_PLAIN = (str, int, date)


@lru_cache(maxsize=4096)
def _frozen_set(values: frozenset) -> dict:
    """Cached: the record's cells share their population sets (flows/sdc/history.py builds each once), and a
    request's history repeats ten years of days in every cell of a standing table; canonicalised one by one,
    the same sets took seconds of every request."""
    return _a_set(values)


def _a_set(values: set | frozenset) -> dict:
    kinds = {type(v) for v in values}
    if len(kinds) == 1 and issubclass(kind := kinds.pop(), _PLAIN) and kind is not bool:
        text = json.dumps(list(map(str, sorted(values))))  # sorted natively, one JSON for the whole set
        return {"set": kind.__name__, "sha256": hashlib.sha256(text.encode()).hexdigest()}
    return {"set": sorted((canonical(v) for v in values), key=_order)}


@cache
def _code_digest() -> str:
    h = hashlib.sha256()
    package = PROJECT_ROOT / "flows"
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _prune(folder: Path, keep: int) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        old.unlink(missing_ok=True)
