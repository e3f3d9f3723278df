"""Package names imported on first use (PEP 562), so that importing one light module of a package does not load
its heavy ones: a nightly run with nothing due reads the publication record without the solver, SciPy or the
workbook writers (tests/test_light_imports.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module


def on_first_use(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package`` that imports ``exports[name]`` (a module) when ``name`` is read."""

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(exports[name]), name)

    return __getattr__
