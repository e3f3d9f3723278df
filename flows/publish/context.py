"""What a release says about itself: the facts the writers, the letter, the manifest and the log need.

The caller (a request flow or the nightly standing-dataset flow) builds one frozen :class:`ReleaseContext`.
Everything in it is validated here, once, so that the writers can trust it and a bad value is reported with
its field name before anything is written.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from flows.contracts.letter import PartAnswer
from flows.contracts.manifest import CodeVersion, DisclosurePolicy, WarehouseState
from flows.contracts.release import ReleaseIdError, check_reference

OGL_V3_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OGL_V3_NAME = "Open Government Licence v3.0"
SYNTHETIC_BANNER = "Synthetic demonstration data: not real police figures"
SYNTHETIC_TITLE = (
    "Synthetic demonstration data (not real police figures)"  # prefix of titles (cover A1, dc:title)
)

#: Provisions a force cites when it will neither confirm nor deny holding information (checklist item 55).
NCND_SECTIONS = frozenset({"s.23(5)", "s.24(2)", "s.30(3)", "s.31(3)", "s.40(5)"})

Outcome = Literal[
    "Disclosed in full",
    "Partially disclosed",
    "Refused",
    "Not held",
    "Neither confirm nor deny",
    "Cost limit exceeded (s.12)",
]

_SECTION = re.compile(r"s\.\d{1,2}(\([0-9a-zA-Z]{1,4}\))*")  # fullmatch: no trailing newline
_FILE_STEM = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# Contact details of the requester must never reach the public log (checklist item 57).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
# An internal path (data/reference/offences.csv, /srv/disclose/..., C:\\...) tells a reader nothing and shows
# how the force's systems are laid out: notes say what the data are, not where a file is.
_INTERNAL_PATH = re.compile(
    r"(?<![\w.:/])(?:data|sql|flows|tests|expectations|published|warehouse|raw|landing)"
    r"/[\w.-]+|(?<![\w:/])/(?:home|srv|tmp|var|opt|work|Users|mnt)/|\b[A-Za-z]:\\[\w]"
)


def check_public_text(text: str, where: str) -> str:
    """Refuse a note that names an internal path; ``where`` names the note in the error."""
    found = _INTERNAL_PATH.search(text)
    if found:
        raise ValueError(
            f"{where} names an internal path ({found.group()!r}): say what the data are in words, "
            f"not where a file is: {text[:120]!r}"
        )
    return text


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Exemption(_Frozen):
    """One FOIA provision cited, written ``s.NN(n)(x)`` so the log stays machine-readable. Why it applies is
    the force's wording, in the letter templates (data/templates/exemptions/)."""

    section: str

    @field_validator("section")
    @classmethod
    def _section(cls, v: str) -> str:
        if not _SECTION.fullmatch(v):
            raise ValueError(f"exemption {v!r} must look like 's.40(2)' or 's.31(1)(a)'")
        return v


class FoiRequest(_Frozen):
    """The request being answered. Absent for standing datasets, which are published without a request."""

    request_text: str = Field(
        min_length=1, description="the request as asked, without the requester's identity"
    )
    date_received: date
    date_responded: date | None = Field(default=None, description="defaults to the published date")
    parts: list[PartAnswer] = Field(default_factory=list, description="each part and how it is answered")
    outcome: Outcome
    exemptions: list[Exemption] = Field(default_factory=list)
    ncnd: bool = False
    date_due: date | None = Field(default=None, description="20 working days after receipt (FOIA s.10)")
    withheld: list[str] = Field(
        default_factory=list, description="what disclosure control did, in general terms (never which cells)"
    )

    @field_validator("request_text")
    @classmethod
    def _no_contact_details(cls, v: str) -> str:
        if _EMAIL.search(v) or _PHONE.search(v):
            raise ValueError(
                "request_text contains an e-mail address or phone number: remove the requester's "
                "contact details before publishing"
            )
        return v

    @model_validator(mode="after")
    def _ncnd_consistent(self) -> FoiRequest:
        cited = {e.section for e in self.exemptions}
        if self.outcome == "Neither confirm nor deny" and not self.ncnd:
            raise ValueError("outcome 'Neither confirm nor deny' needs ncnd=True")
        if self.ncnd and not cited & NCND_SECTIONS:
            raise ValueError(f"ncnd=True needs at least one of {sorted(NCND_SECTIONS)} in exemptions")
        not_held = any(p.response == "not_held" for p in self.parts)
        if (
            self.outcome == "Refused" or (self.outcome == "Partially disclosed" and not not_held)
        ) and not self.exemptions:
            raise ValueError(
                f"outcome {self.outcome!r} needs the exemptions relied on (or, for a partial "
                "disclosure, a part answered as not held)"
            )
        return self

    @property
    def response_parts(self) -> list[str]:
        """The answer to each part in one plain sentence or two (the disclosure log's summary)."""
        return [part.summary() for part in self.parts]

    @property
    def ncnd_sections(self) -> list[str]:
        return [e.section for e in self.exemptions if e.section in NCND_SECTIONS]


class ReleaseContext(_Frozen):
    """Everything about a release except its tables."""

    reference: str = Field(description="FOI reference (e.g. 01.FOI.22.025326) or a standing dataset's slug")
    title: str = Field(min_length=5, max_length=250)
    organisation: str = Field(min_length=2, max_length=120)
    contact: str = Field(min_length=2)
    synthetic: bool = False
    threshold: int = Field(ge=2, le=100, description="k: counts 1..k-1 are never published")
    published: date
    as_at: datetime | None = Field(description="the figures are as known at this moment")
    notes: list[str] = Field(
        default_factory=list, description="counting rules, suppression explanation, caveats"
    )
    description: str | None = Field(
        default=None, description="what the data are (cover); a default is written"
    )
    source: str | None = Field(
        default=None, description="where the figures come from (cover and table sheets)"
    )
    next_update: str | None = Field(default=None, description="e.g. 'April 2026'; None for one-off responses")
    keywords: list[str] = Field(default_factory=lambda: ["police", "arrests", "crime", "statistics"])
    category: str = "Crime statistics"
    file_stem: str | None = Field(default=None, description="workbook file name without extension")
    request: FoiRequest | None = None
    templates_dir: Path | None = Field(
        default=None, description="the force's letter templates; None: the shipped data/templates/"
    )
    # manifest inputs
    request_spec_sha256: str | None = None
    request_spec_path: str | None = None
    reference_data_version: str
    reference_data_sha256: str
    code: CodeVersion
    warehouse: WarehouseState
    policy: DisclosurePolicy

    @field_validator("reference")
    @classmethod
    def _reference(cls, v: str) -> str:
        try:
            return check_reference(v)
        except ReleaseIdError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("notes")
    @classmethod
    def _notes(cls, v: list[str]) -> list[str]:
        return [check_public_text(note, f"note {n}") for n, note in enumerate(v, start=1)]

    @field_validator("file_stem")
    @classmethod
    def _stem(cls, v: str | None) -> str | None:
        if v is not None and (not _FILE_STEM.fullmatch(v) or len(v) > 40):
            raise ValueError(
                f"file_stem {v!r} must be lowercase words joined by dashes, at most 40 characters"
            )
        return v

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, v: list[str]) -> list[str]:
        if not [k for k in v if k.strip()]:
            raise ValueError("at least one keyword is needed (checklist item 6)")
        return v

    @model_validator(mode="after")
    def _threshold_agrees(self) -> ReleaseContext:
        if self.policy.threshold != self.threshold:
            raise ValueError(
                f"threshold {self.threshold} differs from policy.threshold {self.policy.threshold}"
            )
        return self

    @property
    def stem(self) -> str:
        """Workbook file stem: stable across versions because it comes from the reference, not the date."""
        return self.file_stem or slugify(self.reference, 40)

    @property
    def source_text(self) -> str:
        return self.source or f"{self.organisation} custody and crime records systems"

    @property
    def date_responded(self) -> date | None:
        if self.request is None:
            return None
        return self.request.date_responded or self.published


def slugify(text: str, limit: int) -> str:
    """Lowercase words joined by dashes, cut at a dash so the name stays readable (checklist item 2)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "release"
    while len(slug) > limit and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug[:limit].strip("-")
