"""How much of each request is answered: for the seed requests, the example specs and the real requests, on the demo's data
(tiny scale, seed 1), the share of requested figures published exactly, the requested totals published,
and the answer the chooser picked (flows/sdc/choose.py). Nothing is published; the release path's
protection runs as a request would.

Usage: python -m bench.answers [OUT.json]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = ROOT / "data" / "requests"


def run() -> list[dict]:
    from flows.config import load_settings
    from flows.db import connect
    from flows.generate import generate
    from flows.pipeline import stage_ingest, stage_transform
    from flows.release.protection import protect_release
    from flows.release.source import request_source
    from flows.requests.answer import answer_part_planned
    from flows.requests.errors import SpecError
    from flows.requests.populations import populations_for

    out = []
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as tmp:
        settings = load_settings(
            home=Path(tmp), organisation="Example Constabulary"
        )  # as the extracts name it
        generate(seed=1, scale="tiny", out=settings.landing_dir)
        stage_ingest(settings)
        stage_transform(settings)
        for spec in sorted(REQUESTS.glob("*.yaml")) + sorted((REQUESTS / "real").glob("*.yaml")):
            try:
                source = request_source(settings, str(spec))
                with connect(settings, read_only=True) as con:
                    answered = [
                        answer_part_planned(
                            con,
                            part,
                            settings.sql_dir,
                            where=where,
                            margins=True,
                            k=settings.threshold,
                            organisation=settings.organisation,
                        )
                        for part, where in source.parts
                    ]
                    protected = protect_release(
                        [t for _, t in answered],
                        settings,
                        populations=populations_for(con, answered),
                        reference=source.reference,
                    )
            except SpecError as exc:
                out.append({"request": spec.name, "skipped": str(exc).splitlines()[0][:160]})
                continue
            for table in protected.tables:
                found = protected.answered.get(table.name)
                answer = "; ".join(table.combined) or (
                    f"rounded to {table.rounded_to}" if table.rounded_to else "in the shape asked"
                )
                out.append(
                    {
                        "request": spec.name,
                        "table": table.name,
                        "answer": answer,
                        "public": table.public_source,
                        "exact": found.exact if found else None,
                        "requested": found.requested if found else None,
                        "share": round(found.share, 3) if found else (1.0 if table.public_source else None),
                        "totals": found.totals if found else None,
                        "requested_totals": found.requested_totals if found else None,
                    }
                )
    return out


def print_table(rows: list[dict]) -> None:
    print("\nrequested figures published exactly, per table (demo data: tiny scale, seed 1)")
    print(f"{'request':48} {'table':10} {'answer':26} {'exact':>11} {'share':>6} {'totals':>9}")
    for r in rows:
        if "skipped" in r:
            print(f"{r['request']:48} skipped: {r['skipped']}")
            continue
        exact = f"{r['exact']}/{r['requested']}" if r["requested"] is not None else "all"
        totals = f"{r['totals']}/{r['requested_totals']}" if r["requested_totals"] is not None else "all"
        answer = "public (data.police.uk)" if r["public"] else r["answer"]
        print(f"{r['request']:48} {r['table']:10} {answer:26} {exact:>11} {r['share']:6.0%} {totals:>9}")


if __name__ == "__main__":
    found = run()
    print_table(found)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(json.dumps(found, indent=2))
