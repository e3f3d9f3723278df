"""The JSON Schema of request and standing-publication specs, exported from the pydantic models.

The committed copies (``data/requests/schema.json``, ``data/requests/standing/schema.json``) let editors
validate and autocomplete a spec as it is typed; a test fails when they drift from the models, and
``python -m flows.requests.schema`` rewrites them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from flows.requests.models import SCHEMA_VERSION, RequestSpec
from flows.requests.standing import StandingSpec

SCHEMAS: dict[str, type[BaseModel]] = {"schema.json": RequestSpec, "standing/schema.json": StandingSpec}


def schema_text(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://disclose.example/schemas/{model.__name__.lower()}-v{SCHEMA_VERSION}.json",
        **schema,
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def export_schemas(requests_dir: Path) -> list[Path]:
    """Write every schema under ``requests_dir``; return the paths written."""
    written = []
    for name, model in SCHEMAS.items():
        path = requests_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(requests_dir: Path) -> list[Path]:
    """The committed schema files that differ from the models (empty when up to date)."""
    return [
        requests_dir / n
        for n, m in SCHEMAS.items()
        if not (requests_dir / n).is_file()
        or (requests_dir / n).read_text(encoding="utf-8") != schema_text(m)
    ]


if __name__ == "__main__":  # pragma: no cover
    folder = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "data" / "requests"
    )
    for path in export_schemas(folder):
        print(f"wrote {path}")
