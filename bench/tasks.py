"""One measured task per process, so wall time and peak memory (ru_maxrss) belong to that task alone.

Usage: python -m bench.tasks TASK ARGS...   (called by bench/run.py; not a user command)
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import duckdb


def _encodings(landing: Path) -> dict[str, str]:
    summary = json.loads((landing / "generator-summary.json").read_text())
    return {Path(f["path"]).name: f["encoding"] for f in summary["files"]}


def _csvs(landing: Path, source: str) -> list[Path]:
    """The extract files of one source: CSV (force) or Parquet (national), whichever was generated."""
    return sorted(p for p in landing.glob(f"{source}_*") if p.suffix in (".csv", ".parquet"))


def _reader(files: list) -> str:
    """read_csv or read_parquet (the generated Parquet holds the same text columns as the CSV)."""
    return (
        "read_parquet($files, union_by_name = true)"
        if str(files[0]).endswith(".parquet")
        else "read_csv($files, header = true, all_varchar = true, union_by_name = true)"
    )


def _utf8(path: Path, encoding: str, scratch: Path) -> Path:
    """DuckDB reads neither Windows-1252 nor (for bytes 0x80-0x9F) Latin-1: baselines transcode too."""
    if encoding != "cp1252":
        return path
    out = scratch / path.name
    with path.open(encoding="cp1252", newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while block := src.read(1 << 20):
            dst.write(block)
    return out


def bare_ingest(landing: Path, db: Path) -> None:
    """The baseline: CREATE TABLE AS SELECT * FROM read_csv(...) per file, nothing else."""
    enc = _encodings(landing)
    con = duckdb.connect(str(db), config={"memory_limit": "4GB", "threads": 2})
    with tempfile.TemporaryDirectory() as scratch:
        for i, path in enumerate(_csvs(landing, "custody") + _csvs(landing, "crime")):
            readable = _utf8(path, enc.get(path.name, "utf-8"), Path(scratch))
            reader = (
                "read_parquet(?)"
                if path.suffix == ".parquet"
                else "read_csv(?, header = true, all_varchar = true)"
            )
            con.execute(f"create table t{i} as select * from {reader}", [str(readable)])  # noqa: S608
    con.close()


FLOOR_SQL = """
with rows as (
    select * from {reader}
),
latest as (
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


def floor_sql(files: list) -> str:
    """The floor's standing-table query over these files (CSV or Parquet)."""
    return FLOOR_SQL.replace("{reader}", _reader(files))


def floor(landing: Path, reference: Path) -> None:
    """The floor: one bare DuckDB script that reads the same files (custody and crime) and computes the standing
    arrests table with GROUP BY; nothing else."""
    con = duckdb.connect(config={"memory_limit": "4GB", "threads": 2})
    con.execute(
        "create table ref_offences as select * from read_csv(?, all_varchar = true)",
        [str(reference / "offences.csv")],
    )
    con.execute(
        "create table ref_disposals as select * from read_csv(?, all_varchar = true)",
        [str(reference / "custody_disposals.csv")],
    )
    enc = _encodings(landing)
    with tempfile.TemporaryDirectory() as scratch:
        files = [str(_utf8(p, enc[p.name], Path(scratch))) for p in _csvs(landing, "custody")]
        con.execute(floor_sql(files), {"files": files}).fetchall()
        # the nightly run also loads every crime file: the floor reads them too, nothing more
        crimes = [str(_utf8(p, enc[p.name], Path(scratch))) for p in _csvs(landing, "crime")]
        con.execute(f"create table crimes as select * from {_reader(crimes)}", {"files": crimes})  # noqa: S608


def nightly(home: Path) -> None:
    from flows.config import load_settings
    from flows.pipeline import run_nightly

    run_nightly(load_settings(home=home))


def sign_off(home: Path) -> None:
    """Approve and publish every draft awaiting approval, as a force's analysts do within days of a standing
    period falling due (the bench's homes never would)."""
    from flows.config import load_settings
    from flows.release.approve import approve
    from flows.release.listing import draft_lines
    from flows.release.publish import publish

    settings = load_settings(home=home)
    for line in draft_lines(settings):
        if line.state == "awaiting approval":
            approve(settings, line.release_id, by="Bench Approver", note="signed off by the benchmark")
            publish(settings, line.release_id)


def ingest(home: Path) -> None:
    from flows.config import load_settings
    from flows.pipeline import stage_ingest

    stage_ingest(load_settings(home=home))


def rebuild(home: Path) -> None:
    """`disclose rebuild --check-only`: the warehouse built again aside from the raw archive alone, every table
    compared with the live one; a difference fails the measurement."""
    from flows.config import load_settings
    from flows.ingest.rebuild import rebuild as run

    report = run(load_settings(home=home), check_only=True)
    if not report.identical:
        raise SystemExit("\n".join(report.lines()))


def pandas(landing: Path, reference: Path, out: Path) -> None:
    from bench.pandas_baseline import standing_table

    standing_table(landing, reference, out)


def request_stages(home: Path, spec: Path, out: Path) -> None:
    from bench.request_stages import timed_request

    timed_request(home, spec, out)


def deployment_request(home: Path, spec: Path) -> None:
    from bench.deployment import trigger_and_wait

    print(json.dumps(trigger_and_wait(home, spec)))


TASKS = {
    "bare_ingest": lambda a: bare_ingest(Path(a[0]), Path(a[1])),
    "floor": lambda a: floor(Path(a[0]), Path(a[1])),
    "nightly": lambda a: nightly(Path(a[0])),
    "ingest": lambda a: ingest(Path(a[0])),
    "sign_off": lambda a: sign_off(Path(a[0])),
    "rebuild": lambda a: rebuild(Path(a[0])),
    "pandas": lambda a: pandas(Path(a[0]), Path(a[1]), Path(a[2])),
    "request_stages": lambda a: request_stages(Path(a[0]), Path(a[1]), Path(a[2])),
    "deployment_request": lambda a: deployment_request(Path(a[0]), Path(a[1])),
}

if __name__ == "__main__":
    TASKS[sys.argv[1]](sys.argv[2:])
