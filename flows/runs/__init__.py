"""Runs a person can follow: each stage's counts (counts.py), the home's record of runs (record.py), a webhook
when a run fails (notify.py), stage names for the CLI's progress line (progress.py), the Prefect artifacts
(artifacts.py) and ``disclose status`` (status.py). Nothing here holds a personal value: counts, file names,
release ids and paths only."""
