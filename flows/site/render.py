"""Every file of the site as bytes, keyed by its path in the site: pages from the force's Jinja2 templates
(``data/templates/site/``, autoescaped, so request text is HTML-escaped wherever it appears), the JSON search
index, the feed and the catalogue. Nothing here touches the disk except reading the templates and assets.
"""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from flows.config import PROJECT_ROOT
from flows.site.catalogue import CATALOGUE_NAME, catalogue_json
from flows.site.chart import trend_chart
from flows.site.feed import FEED_NAME, feed_xml
from flows.site.model import SiteData

TEMPLATES = PROJECT_ROOT / "data" / "templates" / "site"
ASSETS = ("site.css", "site.js", "favicon.svg")  # the icon: browsers ask for one, and get ours
INDEX_NAME = "search-index.json"
NUMERIC = frozenset({"count", "public count", "rate", "change", "pct_change"})


def environment(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = _cell
    env.filters["filesize"] = _size
    return env


def render_site(site: SiteData, base_url: str = "", templates: Path = TEMPLATES) -> dict[str, bytes]:
    env = environment(templates)
    pages: dict[str, bytes] = {}

    def page(path: str, template: str, **context: object) -> None:
        root = "../" * path.count("/")
        html = env.get_template(template).render(site=site, root=root, **context)
        pages[path] = html.encode("utf-8")

    page(
        "index.html",
        "index.html.j2",
        releases=site.current,
        topics=_distinct(site, "category"),
        exemptions=sorted({e for r in site.current for e in r.entry.exemptions}),
    )
    page("withdrawn.html", "withdrawn.html.j2", releases=site.withdrawn)
    page("accessibility.html", "accessibility.html.j2")
    for r in site.releases:
        page(f"releases/{r.slug}/index.html", "release.html.j2", release=r)
    for d in site.datasets:
        latest = next((r for r in reversed(d.releases) if r.status == "current" and r.tables), None)
        chart = trend_chart(latest.tables[0]) if latest else None
        page(
            f"datasets/{d.reference}/index.html",
            "dataset.html.j2",
            dataset=d,
            latest=latest,
            chart=Markup(chart.svg()) if chart else None,
        )  # noqa: S704 - built by ElementTree, escaped
    pages[INDEX_NAME] = search_index(site)
    pages[FEED_NAME] = feed_xml(site, base_url)
    pages[CATALOGUE_NAME] = catalogue_json(site, base_url)
    for name in ASSETS:
        pages[f"assets/{name}"] = (templates / name).read_bytes()
    return pages


def search_index(site: SiteData) -> bytes:
    """What the search script filters on, one record per current release (the page itself lists them all)."""
    records = [
        {
            "reference": r.reference,
            "url": f"releases/{r.slug}/index.html",
            "title": r.entry.title,
            "type": r.entry.type,
            "topic": r.entry.category,
            "published": r.entry.date_published.isoformat(),
            "exemptions": r.entry.exemptions,
            "text": " ".join([r.entry.request_text, r.entry.response_text, *(t.title for t in r.tables)]),
        }
        for r in site.current
    ]
    return (json.dumps(records, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _distinct(site: SiteData, field: str) -> list[str]:
    return sorted({getattr(r.entry, field) for r in site.current})


def _cell(value: str, role: str) -> str:
    """A published cell as the page shows it: numbers with thousands separators, shorthand and text as is."""
    if role not in NUMERIC or value.startswith("[") or not value:
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    if number.is_integer() and "." not in value:
        return f"{int(number):,}"
    return f"{number:,.{len(value.split('.')[1]) if '.' in value else 0}f}"


def _size(n: int) -> str:
    return (
        f"{n:,} bytes" if n < 1024 else f"{n / 1024:,.1f} KB" if n < 1024 * 1024 else f"{n / 1048576:,.1f} MB"
    )
