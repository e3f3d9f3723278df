"""A deferred package is not run by its import, runs in full on first use, and others are untouched."""

from __future__ import annotations

import sys

import pytest

from flows.validate.lazy_import import defer


@pytest.fixture
def packages(tmp_path, monkeypatch):
    for name in ("slowpkg", "otherpkg"):
        pkg = tmp_path / name
        pkg.mkdir()
        (pkg / "__init__.py").write_text(f"import sys\nsys.ran.append('{name}')\nVALUE = 42\n")
        (pkg / "sub.py").write_text(f"import sys\nsys.ran.append('{name}.sub')\ndef f():\n    return 'sub'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "ran", [], raising=False)
    finder = defer("slowpkg")
    yield sys.ran
    sys.meta_path.remove(finder)
    for name in [m for m in sys.modules if m.partition(".")[0] in ("slowpkg", "otherpkg")]:
        del sys.modules[name]


def test_a_deferred_package_runs_on_first_use_only(packages):
    import slowpkg.sub

    assert packages == ["slowpkg"]  # the parent had to run to find its submodule; the submodule waits
    assert slowpkg.sub.f() == "sub"
    assert packages == ["slowpkg", "slowpkg.sub"]
    assert slowpkg.VALUE == 42


def test_other_packages_import_as_usual(packages):
    import otherpkg  # noqa: F401

    assert packages == ["otherpkg"]


def test_a_missing_module_still_fails_at_import(packages):
    with pytest.raises(ModuleNotFoundError):
        import slowpkg.missing  # noqa: F401
