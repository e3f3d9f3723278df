"""A nightly run with no standing period due reads the publication record but loads neither the solver, the audit's
LP and SciPy, nor the workbook writers: the packages export their names on first use (flows/sdc, flows/publish,
flows/sdc_audit)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "flows.sdc.protect",
    "flows.sdc.solve",
    "flows.sdc_audit.intervals",
    "flows.publish.release",
    "flows.publish.guard",
    "openpyxl",
    "highspy",
    "scipy",
)


def _loaded_after(statement: str) -> list[str]:
    probe = f"import sys\n{statement}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_what_a_night_with_nothing_due_imports_leaves_the_solver_and_writers_unloaded():
    assert _loaded_after("import flows.release.recovery, flows.release.standing, flows.release.lock") == []


def test_the_package_names_still_import_and_load_their_module():
    loaded = _loaded_after(
        "from flows.publish import write_release, Finding\nfrom flows.sdc.protect import protect\n"
        "from flows.sdc_audit import audit_populations, PopulationCell"
    )
    assert loaded == list(HEAVY)


def test_an_unknown_package_name_is_an_attribute_error():
    out = subprocess.run(
        [sys.executable, "-c", "import flows.publish as p; p.no_such_name"], capture_output=True, text=True
    )
    assert out.returncode != 0 and "module 'flows.publish' has no attribute 'no_such_name'" in out.stderr
