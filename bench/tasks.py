"""One measured task per process, so wall time and peak memory (ru_maxrss) belong to that task alone.

Usage: python -m bench.tasks TASK ARGS...   (called by bench/run.py; not a user command)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb


def _encodings(landing: Path) -> dict[str, str]:
    summary = json.loads((landing / "generator-summary.json").read_text())
    return {Path(f["path"]).name: f["encoding"] for f in summary["files"]}


def _csvs(landing: Path, source: str) -> list[Path]:
    return sorted(p for p in landing.glob(f"{source}_*.csv"))


def bare_ingest(landing: Path, db: Path) -> None:
    """The baseline: CREATE TABLE AS SELECT * FROM read_csv(...) per file, nothing else."""
    enc = _encodings(landing)
    con = duckdb.connect(str(db), config={"memory_limit": "4GB", "threads": 2})
    for i, path in enumerate(sorted(landing.glob("*.csv"))):
        encoding = "latin-1" if enc.get(path.name) == "cp1252" else "utf-8"
        con.execute(f"create table t{i} as select * from read_csv(?, header = true, all_varchar = true, encoding = '{encoding}')",  # noqa: S608
                    [str(path)])
    con.close()


FLOOR_SQL = """
with latest as (
    select custody_ref, max(extracted_at_ts) as extracted_at_ts from (
        select custody_ref, coalesce(try_strptime(extracted_at, '%d/%m/%Y %H:%M'), try_strptime(extracted_at, '%Y-%m-%d %H:%M')) as extracted_at_ts
        from rows) group by custody_ref
),
principal as (
    select r.* from rows r
    join latest l on r.custody_ref = l.custody_ref
        and coalesce(try_strptime(r.extracted_at, '%d/%m/%Y %H:%M'), try_strptime(r.extracted_at, '%Y-%m-%d %H:%M')) = l.extracted_at_ts
    where r.offence_seq = '1'
)
select o.offence_group, year(coalesce(try_strptime(arrest_datetime, '%d/%m/%Y %H:%M'), try_strptime(arrest_datetime, '%Y-%m-%d %H:%M'))) as y,
       d.disposal_group, count(*) as arrests
from principal p join ref_offences o on p.offence_code = o.cjs_code join ref_disposals d on p.disposal = d.disposal
group by all
"""


def floor(landing: Path, reference: Path) -> None:
    """The floor: one bare DuckDB script that reads the same files and computes the standing table."""
    con = duckdb.connect(config={"memory_limit": "4GB", "threads": 2})
    con.execute("create table ref_offences as select * from read_csv(?, all_varchar = true)", [str(reference / "offences.csv")])
    con.execute("create table ref_disposals as select * from read_csv(?, all_varchar = true)",
                [str(reference / "custody_disposals.csv")])
    enc = _encodings(landing)
    files = _csvs(landing, "custody")
    parts = []
    for encoding, group in (("utf-8", [p for p in files if enc[p.name] != "cp1252"]),
                            ("latin-1", [p for p in files if enc[p.name] == "cp1252"])):
        if group:
            view = f"rows_{len(parts)}"
            con.execute(f"create view {view} as select * from read_csv({[str(p) for p in group]!r}, header = true, "  # noqa: S608
                        f"all_varchar = true, union_by_name = true, encoding = '{encoding}')")
            parts.append(view)
    con.execute("create view rows as " + " union all by name ".join(f"select * from {v}" for v in parts))  # noqa: S608
    con.execute(FLOOR_SQL).fetchall()


def nightly(home: Path) -> None:
    from flows.config import load_settings
    from flows.pipeline import run_nightly

    run_nightly(load_settings(home=home))


def ingest(home: Path) -> None:
    from flows.config import load_settings
    from flows.pipeline import stage_ingest

    stage_ingest(load_settings(home=home))


TASKS = {
    "bare_ingest": lambda a: bare_ingest(Path(a[0]), Path(a[1])),
    "floor": lambda a: floor(Path(a[0]), Path(a[1])),
    "nightly": lambda a: nightly(Path(a[0])),
    "ingest": lambda a: ingest(Path(a[0])),
}

if __name__ == "__main__":
    TASKS[sys.argv[1]](sys.argv[2:])
