"""Closest-known suggestions for a misspelt name, shared by every spec check (no other imports: anything may use it)."""

from __future__ import annotations

import difflib


def suggest(value: str, known: dict[str, str] | list[str] | dict[str, object]) -> str:
    """'; closest known: ...' from difflib (case-insensitive), with titles when ``known`` maps code -> title."""
    by_upper = {str(k).upper(): str(k) for k in known}
    close = [by_upper[c] for c in difflib.get_close_matches(value.upper(), list(by_upper), n=3, cutoff=0.5)]
    if not close:
        return ""
    titled = isinstance(known, dict) and all(isinstance(known[c], str) for c in close)
    return "; closest known: " + ", ".join(f"{c} ({known[c]})" if titled else c for c in close)
