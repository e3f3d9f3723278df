"""Data Docs: GX's own HTML page per validated suite, written to a folder the caller chooses.

Rendered straight from the in-memory results (no GX project or stores needed). The pages load their CSS
and scripts from public CDNs, so offline they show unstyled but complete.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from flows.validate.report import ValidationReport


def render_data_docs(reports: Iterable[ValidationReport], out_dir: Path) -> Path:
    """Write ``<suite>.html`` for each report and an ``index.html`` linking them; return the index path."""
    from flows.validate.gx_loader import gx_ready

    gx_ready()
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView

    out_dir.mkdir(parents=True, exist_ok=True)
    renderer, view = ValidationResultsPageRenderer(), DefaultJinjaPageView()
    rows = []
    for report in reports:
        if report.gx_result is None:
            continue  # e.g. a report rebuilt from stored rows: nothing for GX to render
        page = out_dir / f"{report.suite}.html"
        result = ExpectationSuiteValidationResultSchema().load(report.gx_result)  # JSON from the GX process
        page.write_text(view.render(renderer.render(result)), encoding="utf-8")
        status = (
            "blocks publication" if report.blocks_publication else "passed" if report.success else "warnings"
        )
        rows.append(
            f'<li><a href="{html.escape(page.name)}">{html.escape(report.suite)}</a> '
            f"({html.escape(report.run_id)}): {status}</li>"
        )
    index = out_dir / "index.html"
    index.write_text(
        "<!doctype html><meta charset=utf-8><title>Validation results</title>"
        f"<h1>Validation results</h1><ul>{''.join(rows)}</ul>\n",
        encoding="utf-8",
    )
    return index
