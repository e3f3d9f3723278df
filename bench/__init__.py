import os

# the benchmarks write their extracts whole and ingest them at once: no landed file needs to settle
os.environ.setdefault("DISCLOSE_LANDING_SETTLE_SECONDS", "0")
