"""Load a request spec from YAML, safely: a size limit, a safe loader that builds no objects, dates left as text
(so an impossible date is reported with its field), and every problem named by file, field and reason.

Version 2 is current. Version 1 specs (the first two seeds) are refused with the steps to migrate them,
rather than silently read with different meanings.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from flows.requests.errors import SpecError, from_validation
from flows.requests.models import SCHEMA_VERSION, DataPart, RequestSpec

MAX_SPEC_BYTES = 256 * 1024
MAX_NESTING = 20

__all__ = [
    "MAX_SPEC_BYTES",
    "SCHEMA_VERSION",
    "DataPart",
    "RequestSpec",
    "SpecError",
    "load_spec",
    "load_standing",
    "read_yaml",
]


class _TextDatesLoader(yaml.SafeLoader):
    """Safe loader that leaves dates as text, so pydantic reports an impossible date with its field name."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> tuple[Any, str]:
    """The parsed document and the sha256 of its bytes; refuses big, non-UTF-8, aliased or deep documents."""
    regular_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read the request ({exc.strerror})", path) from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(
            f"{len(data)} bytes is larger than the {MAX_SPEC_BYTES} byte limit for a request", path
        )
    try:
        text = data.decode("utf-8-sig")
        events = list(yaml.parse(text, Loader=_TextDatesLoader))  # noqa: S506 (a SafeLoader)
        if any(isinstance(e, yaml.AliasEvent) for e in events):
            raise SpecError(
                "YAML anchors and aliases (&, *) are not allowed in a request: write each value out", path
            )
        depth = max(_depths(events), default=0)
        if depth > MAX_NESTING:
            raise SpecError(f"nested {depth} levels deep; a request needs at most {MAX_NESTING}", path)
        raw = yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 (a SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SpecError(f"not valid YAML: {exc}".replace("\n", " "), path) from None
    return raw, hashlib.sha256(data).hexdigest()


def regular_file(path: Path) -> None:
    """Refuse, without opening it, a path that is not a regular file: reading a FIFO waits for a writer for
    ever, a device never ends."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise SpecError(f"cannot read the request ({exc.strerror})", path) from None
    if not stat.S_ISREG(mode):
        kind = (
            "a folder"
            if stat.S_ISDIR(mode)
            else "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a device"
        )
        raise SpecError(f"is {kind}, not a file: give the path of a request spec (.yaml)", path)


def _depths(events: list[yaml.Event]) -> list[int]:
    depth, out = 0, []
    for e in events:
        if isinstance(e, yaml.CollectionStartEvent):
            depth += 1
            out.append(depth)
        elif isinstance(e, yaml.CollectionEndEvent):
            depth -= 1
    return out


def validate(raw: Any, model: type[BaseModel], path: Path | str, kind: str = "request") -> Any:
    """Check the version first (its own message), then every field."""
    if not isinstance(raw, dict):
        raise SpecError(
            f"a {kind} must be a group of fields (reference:, title:, ...), not {type(raw).__name__}", path
        )
    version = raw.get("schema_version")
    if version is None:
        raise SpecError(
            [("schema_version", f"is required: write schema_version: {SCHEMA_VERSION} at the top")], path
        )
    if version == 1:
        raise SpecError(
            [
                (
                    "schema_version",
                    "version 1 specs are no longer read. To migrate: set schema_version: "
                    "2; turn each period {label, start, end} into {window: {start, end}, label}; turn "
                    "offences {selections: [...], by: ...} into offences {items: [{selection: ...}], "
                    "variants: [...]} and list offence under breakdowns if it was by: selection; move "
                    "outcome: further_action into breakdowns. See README, 'Request specs'.",
                )
            ],
            path,
        )
    if version != SCHEMA_VERSION:
        raise SpecError(
            [
                (
                    "schema_version",
                    f"{version!r} is not a version this program reads (it reads {SCHEMA_VERSION})",
                )
            ],
            path,
        )
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise from_validation(exc, path) from None


def load_spec(path: Path) -> tuple[RequestSpec, str]:
    """Parse and validate a request; return it and the sha256 of its bytes (recorded in the manifest)."""
    raw, digest = read_yaml(path)
    return validate(raw, RequestSpec, path), digest


def load_standing(path: Path) -> tuple[Any, str]:
    """Parse and validate a standing publication spec (data/requests/standing/*.yaml)."""
    from flows.requests.standing import StandingSpec

    raw, digest = read_yaml(path)
    return validate(raw, StandingSpec, path, "standing publication"), digest
