"""Column-mapping profiles: a force's own export format described as data (``data/profiles/*.yaml``).

A profile says which of the force's headers feeds each canonical column, how its dates are written and how
its codes are spelt, so a new force format needs a YAML file, not code. Columns a profile does not map
(names, addresses, dates of birth) are never selected from the file, so they never reach the warehouse.
Profiles are validated on load with errors that name the file and the field.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from flows.ingest.sources import (
    BY_NAME,
    CRIME,
    CUSTODY,
    HATE_CRIME_STRANDS,
    RECORD_STATUSES,
    YES_NO_MARKERS,
    normalise_header,
)

PROFILE_SOURCES = {CUSTODY.name, CRIME.name}
_DIRECTIVE = re.compile(r"%(.)")
_ALLOWED_DIRECTIVES = set("dmyYHMSbBpIjf%")
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M")
DEFAULT_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)


class ProfileError(ValueError):
    """A profile file cannot be used; the message names the file and field."""


def _check_formats(formats: list[str]) -> list[str]:
    for fmt in formats:
        bad = sorted(set(_DIRECTIVE.findall(fmt)) - _ALLOWED_DIRECTIVES)
        if bad or "%" not in fmt:
            raise ValueError(
                f"{fmt!r} is not a date format (allowed directives: %d %m %y %Y %H %M %S %b %B %p %I %j %f)"
            )
    return formats


Formats = Annotated[list[str], Field(min_length=1), AfterValidator(_check_formats)]


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]+$", max_length=60)
    description: str
    source: str
    file_pattern: str = Field(
        default="*", description="glob the landed file name must match, e.g. 'NICHE_CUST_*'"
    )
    columns: dict[str, str] = Field(description="canonical column -> the force's header")
    date_formats: Formats = Field(default_factory=lambda: list(DEFAULT_DATE_FORMATS))
    datetime_formats: Formats = Field(default_factory=lambda: list(DEFAULT_DATETIME_FORMATS))
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="canonical column -> {force spelling: canonical code}"
    )
    dropped: list[str] = Field(
        default_factory=list, description="headers known to hold personal data (never read)"
    )
    _sha256: str | None = PrivateAttr(default=None)

    @property
    def sha256(self) -> str | None:
        """sha256 of the profile file as loaded: the ledger pins it, so a changed mapping can be noticed."""
        return self._sha256

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        if v not in PROFILE_SOURCES:
            raise ValueError(f"must be one of {sorted(PROFILE_SOURCES)}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        source = BY_NAME[self.source]
        unknown = sorted(set(self.columns) - set(source.columns))
        if unknown:
            raise ValueError(f"columns: {unknown} are not canonical {self.source} columns")
        missing = [c for c in source.required if c not in self.columns]
        if missing:
            raise ValueError(f"columns: required canonical column(s) {missing} are not mapped")
        headers = [normalise_header(h) for h in self.columns.values()]
        if len(set(headers)) != len(headers):
            raise ValueError("columns: two canonical columns read the same header")
        if overlap := sorted({normalise_header(h) for h in self.dropped} & set(headers)):
            raise ValueError(f"dropped: {overlap} are also mapped")
        if unmapped := sorted(set(self.values) - set(self.columns)):
            raise ValueError(f"values: {unmapped} are not mapped columns")
        if odd := sorted(set(self.values.get("record_status", {}).values()) - set(RECORD_STATUSES)):
            raise ValueError(f"values.record_status: {odd} must be one of {list(RECORD_STATUSES)}")
        for marker in YES_NO_MARKERS:
            if odd := sorted(set(self.values.get(marker, {}).values()) - {"Y", "N", ""}):
                raise ValueError(f"values.{marker}: {odd} must be Y, N or '' (not recorded)")
        strands = {s for v in self.values.get("hate_crime_strands", {}).values() for s in v.split(";") if s}
        if odd := sorted(strands - set(HATE_CRIME_STRANDS)):
            raise ValueError(
                f"values.hate_crime_strands: {odd} must be '' or strands from {list(HATE_CRIME_STRANDS)} "
                "separated by ;"
            )
        return self

    def matches_name(self, file_name: str) -> bool:
        return fnmatch.fnmatch(file_name.lower(), self.file_pattern.lower())

    def missing_headers(self, header: list[str]) -> list[str]:
        """The profile's required headers this file lacks (compared as normalised names)."""
        present = {normalise_header(h) for h in header}
        required = BY_NAME[self.source].required
        return [self.columns[c] for c in required if normalise_header(self.columns[c]) not in present]

    def value_rows(self) -> list[tuple[str, str, str]]:
        """(canonical column, force spelling upper-cased, canonical code): spellings match case-insensitively."""
        return [
            (col, spelt.strip().upper(), code)
            for col, spellings in self.values.items()
            for spelt, code in spellings.items()
        ]


def load_profile(path: Path) -> Profile:
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"profile {path.name} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"profile {path.name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"profile {path.name}: expected a mapping at the top level")
    try:
        profile = Profile(**data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'profile'}: {e['msg']}" for e in exc.errors())
        raise ProfileError(f"profile {path.name}: {problems}") from None
    if profile.name != path.stem:
        raise ProfileError(f"profile {path.name}: name {profile.name!r} must match the file name")
    profile._sha256 = hashlib.sha256(raw).hexdigest()
    return profile


def load_profiles(folder: Path | None) -> tuple[Profile, ...]:
    if folder is None or not folder.is_dir():
        return ()
    return tuple(load_profile(p) for p in sorted(folder.glob("*.yaml")))


def choose_profile(
    profiles: tuple[Profile, ...], file_name: str, header: list[str]
) -> tuple[Profile | None, str | None]:
    """The one profile whose headers this file has, with no reason; or a reason none can be used.

    A profile whose file pattern matches but whose headers are partly missing is returned with a reason
    naming the missing headers, so a force that renamed a column gets a precise message rather than
    'not recognised'. (None, None): no profile comes close."""
    candidates = [p for p in profiles if p.matches_name(file_name)]
    full = [p for p in candidates if not p.missing_headers(header)]
    if len(full) == 1:
        return full[0], None
    if len(full) > 1:
        return (
            None,
            f"the header fits several profiles ({', '.join(p.name for p in full)}): narrow their file_pattern",
        )
    partial = [(len(p.missing_headers(header)), p) for p in candidates]
    partial = [(n, p) for n, p in partial if n < len(BY_NAME[p.source].required) / 2]
    if partial:
        _, best = min(partial, key=lambda t: t[0])
        return best, f"profile {best.name}: missing column(s) {', '.join(best.missing_headers(header))}"
    return None, None
