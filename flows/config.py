"""One settings object, from ``disclose.toml`` and ``DISCLOSE_*`` environment variables.

Nothing else in the package reads environment variables. Precedence (highest first): explicit overrides
(e.g. the demo's home), environment, the TOML file, defaults. Paths in the TOML file are relative to it.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENV_PREFIX = "DISCLOSE_"
#: a file at the top of a data home holding synthetic data: every command run on that home marks its outputs,
#: however the home was named (--home, disclose.toml, the environment), so no flag can forget it
SYNTHETIC_MARKER = "synthetic-data.txt"


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and key."""


class ReleasePolicy(BaseModel):
    """How releases are signed off and published (``[disclose.release]`` in disclose.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    second_approver: bool = Field(
        default=True,
        description="the approver must be someone other than whoever "
        "ran the request or nightly that made the draft",
    )
    publish_standing: Literal["on_approval", "automatically"] = Field(
        default="on_approval",
        description="standing datasets wait for approval like FOI responses, or the nightly "
        "run approves (as 'policy') and publishes them as soon as they are drafted",
    )
    site_url: str | None = Field(
        default=None,
        description="where published/ is served, e.g. "
        "'https://www.example.police.uk/foi/'; the disclosure log links from it",
    )
    site_base_url: str | None = Field(
        default=None,
        description="where the transparency site (<home>/site/) is served, e.g. "
        "'https://www.example.police.uk/transparency/'; the Atom feed and the DCAT-AP catalogue link from it "
        "(unset: their links are relative, which a harvester cannot follow)",
    )
    lock_timeout_seconds: float = Field(
        default=120, ge=0, description="how long a release step waits for another to finish"
    )

    @field_validator("site_url", "site_base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"https?://[^\s]+", v):
            raise ValueError("must be an http(s) URL")
        return v if v is None or v.endswith("/") else v + "/"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    home: Path = Field(
        default=PROJECT_ROOT / "data", description="where landing/, raw/, warehouse/, published/ live"
    )
    organisation: str = Field(default="Example Constabulary", min_length=2, max_length=120)
    contact: str = "Freedom of Information Unit"
    threshold: int = Field(default=5, ge=2, le=100, description="k: counts 1..k-1 are suppressed")
    synthetic: bool = Field(default=False, description="outputs are marked as synthetic demonstration data")
    quarantine_max_share: float = Field(default=0.01, ge=0.0, le=1.0, description="default per-file limit")
    quarantine_max_share_by_source: dict[str, float] = Field(
        default_factory=dict, description="per-source limits, e.g. {custody = 0.005}"
    )
    unrecognised_code_warn_share: float = Field(
        default=0.02,
        ge=0.0,
        le=1.0,
        description="a file with a larger share of rows whose (well-formed) offence code "
        "the reference data lacks gets a validation warning; it still loads and publishes",
    )
    landing_settle_seconds: float = Field(
        default=60,
        ge=0,
        description="a landed file is taken once unchanged this long, or at once with a <name>.done marker "
        "(flows/ingest/landing.py); files written under a temporary name (.part, .tmp, dot-files) are ignored",
    )
    extracted_at_tolerance_hours: float = Field(
        default=24,
        ge=0,
        description="a file whose extracted_at is later than its receipt plus this is rejected: a future "
        "extraction time would keep every real extract from replacing its records (flows/ingest/extract_time.py)",
    )
    raw_retention_days: int | None = Field(default=None, ge=1, description="archive retention for purge")
    duckdb_memory_limit: str = "3GB"  # DuckDB spills beyond it; the process stays under 4 GiB
    duckdb_threads: int = Field(default=2, ge=1, le=256)
    writer_lock_timeout_seconds: float = Field(
        default=900,
        ge=0,
        description="how long a writer (nightly, rebuild, purge) waits for another writer before "
        "failing (flows/warehouse_lock.py)",
    )
    snapshot_wait_seconds: float = Field(
        default=900,
        ge=0,
        description="how long a writer waits for readers still in the snapshot before the published one "
        "(it builds the next snapshot in that file; flows/db/snapshots.py)",
    )
    full_validation_every_days: int = Field(
        default=7,
        ge=0,
        description="the nightly validation checks only what changed since its last pass, and everything "
        "every this many days (0: every night) or when a suite, the transform SQL, the reference data or the "
        "code changed (flows/validate/scope.py)",
    )
    notify_webhook_url: str | None = Field(
        default=None,
        description="POST a small JSON (run, kind, status, reason; never a personal value) here when a nightly "
        "or request run fails (flows/runs/notify.py); off when unset",
    )
    notify_on_success: bool = Field(default=False, description="also notify when a run completes")
    reference_dir: Path = PROJECT_ROOT / "data" / "reference"
    sql_dir: Path = PROJECT_ROOT / "sql"
    expectations_dir: Path = PROJECT_ROOT / "expectations"
    requests_dir: Path = PROJECT_ROOT / "data" / "requests"
    profiles_dir: Path = PROJECT_ROOT / "data" / "profiles"
    templates_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "templates",
        description="the force's letter templates (Jinja2; see data/templates/README.md)",
    )
    operator: str = Field(
        default_factory=lambda: _os_user(),
        min_length=1,
        description="who runs commands on this machine, recorded on every draft it makes",
    )
    release: ReleasePolicy = Field(default_factory=ReleasePolicy)
    fault: str | None = Field(
        default=None, description="testing only: a fault point to stop at (flows/release/faults.py)"
    )
    disclosure: dict[str, Any] = Field(
        default_factory=dict,
        description="the disclosure-control policy beyond k ([disclose.disclosure] in disclose.toml; fields of "
        "flows/sdc/policy.py SdcPolicy): e.g. strategy = 'round' where a force requires one strategy, "
        "overrides = [{k = 10, dimension = 'offence_group', labels = ['Sexual offences']}]",
    )

    @model_validator(mode="after")
    def _policy(self) -> Settings:
        if (
            not self.disclosure
        ):  # k alone is valid (2..100 here); importing flows.sdc costs every command 0.2 s
            return self
        from flows.sdc.policy import SdcPolicy

        if "k" in self.disclosure:
            raise ValueError("disclosure.k: set the threshold with `threshold`, not disclosure.k")
        try:
            SdcPolicy(k=self.threshold, **self.disclosure)  # fails here, at load, naming the field
        except ValidationError as exc:
            raise ValueError(
                "; ".join(f"disclosure.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            ) from None
        return self

    @field_validator("notify_webhook_url")
    @classmethod
    def _webhook(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"https?://[^\s]+", v):
            raise ValueError("must be an http(s) URL")
        return v

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _memory(cls, v: str) -> str:
        if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", v.strip()):
            raise ValueError("must look like '4GB' or '512MiB'")
        return v.strip()

    @property
    def landing_dir(self) -> Path:
        return self.home / "landing"

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse" / "disclose.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.home / "published"

    @property
    def drafts_dir(self) -> Path:
        """Releases waiting for approval: internal, never served."""
        return self.home / "drafts"

    @property
    def withdrawn_dir(self) -> Path:
        """Release folders taken down: internal, kept as evidence."""
        return self.home / "withdrawn"

    @property
    def record_dir(self) -> Path:
        return self.home / "record"

    @property
    def runs_log(self) -> Path:
        """The home's own record of nightly and request runs, one JSON line each (flows/runs/record.py)."""
        return self.home / "runs" / "runs.jsonl"

    @property
    def quarantine_limits(self) -> dict[str, float]:
        return {**self.quarantine_max_share_by_source, "default": self.quarantine_max_share}


_ENV_KEYS = {
    "home",
    "organisation",
    "contact",
    "threshold",
    "synthetic",
    "quarantine_max_share",
    "unrecognised_code_warn_share",
    "duckdb_memory_limit",
    "duckdb_threads",
    "raw_retention_days",
    "landing_settle_seconds",
    "extracted_at_tolerance_hours",
    "operator",
    "fault",
    "writer_lock_timeout_seconds",
    "snapshot_wait_seconds",
    "full_validation_every_days",
    "notify_webhook_url",
    "notify_on_success",
}


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def load_settings(config_file: Path | None = None, **overrides: object) -> Settings:
    """Build the settings. ``config_file`` defaults to $DISCLOSE_CONFIG, else ./disclose.toml if present."""
    values: dict[str, object] = {}
    path = config_file or (
        Path(os.environ[ENV_PREFIX + "CONFIG"]) if ENV_PREFIX + "CONFIG" in os.environ else None
    )
    if path is None and Path("disclose.toml").is_file():
        path = Path("disclose.toml")
    if path is not None:
        values.update(_read_toml(path))
    for key in _ENV_KEYS:
        env = os.environ.get(ENV_PREFIX + key.upper())
        if env is not None:
            values[key] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        where = f" (from {path})" if path else ""
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid configuration{where}: {problems}") from None
    if (settings.home / SYNTHETIC_MARKER).is_file() and not settings.synthetic:
        update: dict[str, object] = {"synthetic": True}
        if "organisation" not in values:  # the demo's own name, so a re-run with --home matches the demo's
            update["organisation"] = SYNTHETIC_ORGANISATION
        settings = settings.model_copy(update=update)
    return settings


#: the organisation a synthetic home speaks for unless its configuration names one
SYNTHETIC_ORGANISATION = "Example Constabulary (synthetic demonstration)"


def mark_synthetic(home: Path) -> None:
    """Mark ``home`` as holding synthetic data (see :data:`SYNTHETIC_MARKER`); there is no way to unmark it
    short of deleting the file."""
    home.mkdir(parents=True, exist_ok=True)
    marker = home / SYNTHETIC_MARKER
    if not marker.is_file():
        marker.write_text(
            "This data home holds synthetic demonstration data, not real police records. Every "
            "disclose command run on it marks its outputs as synthetic.\n",
            encoding="utf-8",
        )


def _read_toml(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    section = data.get("disclose", data)
    if not isinstance(section, dict):
        raise ConfigError(f"config file {path}: [disclose] must be a table")
    base = path.resolve().parent
    for key in (
        "home",
        "reference_dir",
        "sql_dir",
        "expectations_dir",
        "requests_dir",
        "profiles_dir",
        "templates_dir",
    ):
        if key in section:
            section[key] = (base / str(section[key])).resolve()
    return section
