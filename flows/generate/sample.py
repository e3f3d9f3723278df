"""Rewrite the committed sample extracts in data/sample (run by hand: python -m flows.generate.sample).

The sample is the only generated data in the repository: small enough to read and diff, the same shape as
`disclose generate --scale tiny`. Its `today` is fixed so re-running it reproduces the committed bytes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flows.generate.run import generate
from flows.generate.scales import SAMPLE

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
SAMPLE_SEED, SAMPLE_TODAY = 1, date(2026, 11, 21)


def main() -> None:
    for old in [*SAMPLE_DIR.glob("custody_*"), *SAMPLE_DIR.glob("crime_*")]:
        old.unlink()  # a changed schedule must not leave stale extracts behind; README.md stays
    summary = generate(SAMPLE_SEED, SAMPLE, SAMPLE_DIR, today=SAMPLE_TODAY)
    print(
        f"{len(summary.files)} files, {summary.rows_written} rows, {len(summary.dirty_cells)} dirty cells in {SAMPLE_DIR}"
    )


if __name__ == "__main__":
    main()
