"""The release manifest: everything needed to reproduce a release for an internal review or an ICO appeal.

Written as ``manifest.json`` inside the release folder. It lists every other file in the folder with its size
and sha256, so the guard (and anyone later) can prove the files are the ones that were released.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileEntry(_Strict):
    path: str  # relative to the release folder, forward slashes
    bytes: int
    sha256: str
    media_type: str


class TableComparison(_Strict):
    """``previous`` counts what ``current`` counts a year earlier; ``previous_labels`` names, for each label of
    ``dimension``, the window the earlier figure covers (a label of this table where it has that window)."""

    current: str
    previous: str
    dimension: str
    previous_labels: dict[str, str]


class TableEntry(_Strict):
    """One table, with the public structure an auditor needs to rebuild what its figures imply."""

    name: str
    title: str
    rows: int
    dimensions: list[str]
    measures: dict[str, str]  # measure name -> role
    cells_suppressed: int
    totals: dict[str, str] = Field(default_factory=dict)  # dimension -> label of its all-categories margin
    parents: dict[str, dict[str, str]] = Field(default_factory=dict)  # dimension -> category -> parent
    additive: bool = True  # False: margins count each unit once (persons; the any-offence rule)
    derived_inputs: dict[str, list[str]] = Field(default_factory=dict)  # change measure -> the counts it uses
    comparison: TableComparison | None = None
    rounded_to: int | None = None  # counts rounded to this base
    public_source: str | None = (
        None  # the figures are published there already: shown in full, small counts too
    )


class ThresholdRule(_Strict):
    k: int
    dimension: str
    labels: list[str]


class AuditRules(_Strict):
    """The public rules the independent audit assumes an intruder knows (the disclosure policy is public)."""

    zeros_published: bool = True  # so every withheld figure is at least 1...
    group_dimensions: list[str] = Field(default_factory=list)  # ...except in the first of these a table has:
    # the group rule may hide zeros there (a small row with everyone in one outcome)
    protection_width: int = 1
    k_rules: list[ThresholdRule] = Field(default_factory=list)  # higher thresholds for some topics
    non_additive: list[str] = Field(default_factory=list)  # "table.dimension" or "dimension"


class Optimality(_Strict):
    """How close one table's withheld cells are to the least loss the rules allow: the suppressor proves a lower
    bound on the cost of any pattern that protects the table, and the gap is how far above it the published
    pattern may be. Only the gap is stated: the cost itself sums withheld values."""

    table: str
    objective: (
        str  # what was minimised, e.g. "withheld values (each withheld cell counts its value plus one)"
    )
    gap_at_most_percent: float  # (cost - bound) / cost, rounded up; 0 when proven optimal
    bound: str  # how the lower bound was proven


class Answered(_Strict):
    """How much of what was asked one published table answers exactly (flows/sdc/score.py): every cell of the
    requested shape, margins included, is a requested figure; a total is a margin or a group."""

    table: str
    figures_requested: int
    figures_published_exactly: int
    share_published_percent: float  # of the requested figures, rounded down to a tenth
    totals_requested: int
    totals_published_exactly: int


class DisclosurePolicy(_Strict):
    threshold: int  # k: counts 1..k-1 are sensitive
    method: str  # e.g. "threshold k=5 with secondary suppression; margins published; audited"
    policy: str  # the configured strategy name
    margins_published: bool
    audit: AuditRules | None = None  # None: the audit's defaults
    optimality: list[Optimality] = Field(
        default_factory=list
    )  # one per table whose withheld cells were optimised
    answered: list[Answered] = Field(
        default_factory=list
    )  # one per table disclosure control chose a shape for


class ExtractRef(_Strict):
    file_id: int
    sha256: str
    source: str
    extracted_at: datetime | None


class WarehouseState(_Strict):
    as_at: datetime | None  # the latest extracted_at included: what the figures are "as known at"
    extracts: list[ExtractRef]
    extract_set_sha256: str  # hash of the sorted extract sha256s: one string that names the input set
    snapshot: str | None = None  # the published warehouse snapshot counted from (flows/db/snapshots.py)


class CodeVersion(_Strict):
    package_version: str
    git_sha: str | None
    git_dirty: bool | None
    lock_sha256: str | None


class Manifest(_Strict):
    schema_version: int = MANIFEST_SCHEMA_VERSION
    release_id: str
    reference: str
    version: int
    title: str
    created_at: datetime
    organisation: str
    synthetic: bool
    files: list[FileEntry]
    tables: list[TableEntry]
    disclosure: DisclosurePolicy
    request_spec_sha256: str | None = None
    request_spec_path: str | None = None
    reference_data_version: str
    reference_data_sha256: str
    code: CodeVersion
    warehouse: WarehouseState
    content_sha256: str = Field(
        description="hash of the published values and spec: equal => nothing new to release"
    )


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def read_manifest(release_dir: Path) -> Manifest:
    return Manifest.model_validate_json((release_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
