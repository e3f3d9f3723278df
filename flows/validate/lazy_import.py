"""Defer packages GX imports but our suites never use, so the GX process is ready a second sooner.

``import great_expectations`` imports scipy.stats (~1 s here) for the few distributional expectations,
none of which our suites use. :func:`defer` makes named packages load lazily with the standard library's
``importlib.util.LazyLoader``: the import returns at once and the module runs on first attribute access, so
a suite that does use scipy still gets the real thing, only later. Used in the GX child process alone,
which validates on one thread (Python 3.11's LazyLoader is not safe when two threads first touch a module).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys


class _Deferred(importlib.abc.MetaPathFinder):
    def __init__(self, packages: frozenset[str]) -> None:
        self.packages = packages

    def find_spec(self, name, path, target=None):  # noqa: ANN001 - the import system's signature
        if name.partition(".")[0] not in self.packages:
            return None
        for finder in sys.meta_path:  # the spec the rest of the import system would give
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


def defer(*packages: str) -> importlib.abc.MetaPathFinder:
    """Load ``packages`` (and their submodules) lazily from now on in this process (until the returned
    finder is removed from ``sys.meta_path``)."""
    finder = _Deferred(frozenset(packages))
    sys.meta_path.insert(0, finder)
    return finder
