"""The request spec (version 1): case fields and parts, validated on load with clear, field-named errors.

This first version answers arrest counts by named offence selection, explicit inclusive date windows and
custody outcome; the request-engine issue extends it (financial years, weeks, comparisons, demographics).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from flows.contracts.release import check_reference

MAX_SPEC_BYTES = 256 * 1024
SPEC_VERSION = 1


class SpecError(ValueError):
    """A request spec that cannot be answered; the message names the file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Strict):
    """An inclusive date window, e.g. Wednesday to Wednesday as the requester wrote it."""

    label: str = Field(min_length=1, max_length=80)
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"window {self.label!r} ends ({self.end}) before it starts ({self.start})")
        return self


class OffenceSelection(_Strict):
    selections: list[str] = Field(min_length=1, description="named selections in data/reference/offence_selections.csv")
    by: Literal["selection", "none"] = "selection"  # "selection": one row per selection; "none": all together


class DataPart(_Strict):
    id: str
    question: str
    response: Literal["data"]
    measure: Literal["arrests"] = "arrests"
    offences: OffenceSelection
    periods: list[Window] = Field(min_length=1, max_length=120)
    outcome: Literal["further_action", "disposal_group", "none"] = "none"
    interpretation: str = Field(min_length=1, description="what the request's words were taken to mean")


class TextPart(_Strict):
    id: str
    question: str
    response: Literal["not_held", "ncnd", "exempt", "text"]
    text: str = Field(min_length=1)
    exemptions: list[Annotated[str, Field(pattern=r"^s\.\d+(\(\w+\))*$")]] = []
    held_by: str | None = None


class RequestSpec(_Strict):
    schema_version: Literal[1] = SPEC_VERSION
    reference: str
    title: str = Field(min_length=3, max_length=200)
    received: date
    requested_format: Literal["xlsx", "csv", "any"] = "any"
    request_text: str = Field(min_length=1)
    parts: list[Annotated[DataPart | TextPart, Field(discriminator="response")]] = Field(min_length=1)

    @model_validator(mode="after")
    def _reference(self) -> RequestSpec:
        check_reference(self.reference)
        ids = [p.id for p in self.parts]
        if len(set(ids)) != len(ids):
            raise ValueError("part ids must be unique")
        return self

    @property
    def data_parts(self) -> list[DataPart]:
        return [p for p in self.parts if isinstance(p, DataPart)]


class _TextDatesLoader(yaml.SafeLoader):
    """Safe loader that leaves dates as text, so pydantic reports an impossible date with its field name."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_spec(path: Path) -> tuple[RequestSpec, str]:
    """Parse a spec safely (size limit, yaml.safe_load); return it and the sha256 of its bytes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"{path}: cannot read the request ({exc.strerror})") from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(f"{path}: {len(data)} bytes is larger than the {MAX_SPEC_BYTES} byte limit for a request")
    try:
        raw = yaml.load(data.decode("utf-8"), Loader=_TextDatesLoader)  # noqa: S506 (a SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from None
    try:
        spec = RequestSpec.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}" for e in exc.errors())
        raise SpecError(f"{path}: {problems}") from None
    return spec, hashlib.sha256(data).hexdigest()
