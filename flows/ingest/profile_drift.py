"""Has the mapping behind an archived file changed since it was loaded?

A file read through a profile (data/profiles) is only as reproducible as the profile: the ledger and the
delivery log pin the profile's name and the sha256 of its file. A rebuild reads old files with today's
profiles, so it compares the pins with the profile each replayed file was read through now, and says which
files were read with a changed, different or missing mapping (their staged rows may differ).
"""

from __future__ import annotations

import duckdb


def profile_warnings(
    con: duckdb.DuckDBPyConnection, pinned: dict[int, tuple[str | None, str | None]]
) -> list[str]:
    """One line per replayed file whose profile differs from its pin; ``pinned`` is file id -> (name, sha256)
    as the delivery log recorded them (files logged before hashes were recorded have no sha256 to compare)."""
    now = {
        int(file_id): (profile, sha)
        for file_id, profile, sha in con.execute(
            "select file_id, profile, profile_sha256 from raw.extract_files where list_contains(?, file_id)",
            [sorted(pinned)],
        ).fetchall()
    }
    lines = []
    for file_id, (name, sha) in sorted(pinned.items()):
        if name is None or file_id not in now:
            continue
        now_name, now_sha = now[file_id]
        if now_name != name:
            read = f"profile {now_name}" if now_name else "no profile"
            lines.append(
                f"file {file_id} was loaded through profile {name} but was replayed with {read}: "
                f"restore data/profiles/{name}.yaml as it was, or expect its rows to differ"
            )
        elif sha and now_sha != sha:
            lines.append(
                f"profile {name} changed since file {file_id} was loaded (sha256 {sha[:12]} then, "
                f"{(now_sha or '?')[:12]} now): the file was replayed with the new mapping"
            )
    return lines
