"""The publish guard for the transparency site: re-read the built pages, feed and catalogue from disk.

Part of the publish guard (:mod:`flows.publish.guard`): it imports nothing from the site builder or the writers
and trusts nothing they did. What it refuses:

* a cell marked as a count (``data-role="count"``) holding 1 to k-1;
* a table whose figures differ from the released CSV it names (``data-source``): the page must show exactly
  the published values and shorthand, only with thousands separators added;
* personal references anywhere (text or attributes of a page, the feed, the catalogue, the search index):
  e-mail addresses, phone numbers, custody and person references;
* hidden content: ``hidden`` attributes, inline styles or style-sheet rules that hide or shrink text,
  comments, templates, hidden inputs, inline scripts, frames and embedded objects, and any script, style
  sheet or image fetched from elsewhere (the site has no external assets).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from defusedxml.ElementTree import fromstring

from flows.publish.guard_rules import Finding, cell_problem

PERSONAL = {
    "e-mail address": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "phone number": re.compile(r"(\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"),
    "custody reference": re.compile(r"\bCU/\d{4}/\d+\b"),
    "person reference": re.compile(r"\bP\d{8}\b"),
}
HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(\.0*)?\s*(;|$|})|"
    r"font-size\s*:\s*0(px|em|rem|%)?\s*(;|$|})",
    re.IGNORECASE,
)
HIDING_TAGS = frozenset({"template", "iframe", "object", "embed", "frame", "frameset", "applet"})
LOADING = {"script": "src", "img": "src", "link": "href", "source": "src", "audio": "src", "video": "src"}
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def audit_site(
    root: Path, k: int, organisation: str | None = None, only: Iterable[str] | None = None
) -> list[Finding]:
    """Findings for a built site folder (pages, style sheets, feed, catalogue, search index). ``only``: the
    paths (relative to ``root``) to read, when the caller knows the rest passed this guard unchanged."""
    findings: list[Finding] = []
    paths = root.rglob("*") if only is None else (root / name for name in only)
    for path in sorted(p for p in paths if p.is_file()):
        name = str(path.relative_to(root))
        if path.suffix == ".html" and path.parent.name.startswith("v") and path.parent.name[1:].isdigit():
            continue  # a release's own letter (a download): the publish guard passed it at publication
        if path.suffix == ".html":
            findings += _audit_page(path, name, k)
        elif path.suffix == ".css":
            findings += [
                Finding(name, f"a style rule hides content: {m.group()!r}")
                for m in HIDING_STYLE.finditer(path.read_text(encoding="utf-8"))
            ]
        elif path.suffix in (".atom", ".xml"):
            findings += _audit_xml(path, name)
        elif path.suffix in (".json", ".jsonld") and path.parent == root:
            findings += _audit_json(path, name)
    return findings


def personal_problems(text: str) -> list[str]:
    return [
        f"a {label} ({m.group()!r}) must not be published"
        for label, rx in PERSONAL.items()
        for m in rx.finditer(text)
    ]


class _Page(HTMLParser):
    """Collects a page's findings and its marked tables as it reads."""

    def __init__(self, name: str, k: int) -> None:
        super().__init__(convert_charrefs=True)
        self.name, self.k = name, k
        self.findings: list[Finding] = []
        self.texts: list[str] = []
        self.tables: list[tuple[str | None, list[list[str]]]] = []  # (data-source, rows of cell texts)
        self._role: str | None = None
        self._cell: list[str] | None = None
        self._in_script = False

    def _find(self, problem: str) -> None:
        self.findings.append(Finding(self.name, problem))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        self.texts += [v for v in a.values() if v]
        if "hidden" in a:
            self._find(f"<{tag}> has the hidden attribute")
        if HIDING_STYLE.search(a.get("style", "")):
            self._find(f"<{tag}> is hidden by its style {a['style']!r}")
        if tag in HIDING_TAGS or (tag == "input" and a.get("type", "").lower() == "hidden"):
            self._find(f"<{tag}> can hold content a reader does not see")
        if (
            tag in LOADING
            and EXTERNAL.match(a.get(LOADING[tag], ""))
            and not (tag == "link" and a.get("rel") == "alternate")
        ):
            self._find(f"<{tag}> loads {a[LOADING[tag]]!r} from elsewhere: the site has no external assets")
        if tag == "script":
            self._in_script = True
            if "src" not in a:
                self._find("an inline <script>: scripts come from the site's own assets")
        if tag == "style":
            self._find("an inline <style>: styles come from the site's one style sheet")
        if tag == "table":
            self.tables.append((a.get("data-source"), []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell, self._role = [], a.get("data-role")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            if self.tables and self.tables[-1][1]:
                self.tables[-1][1][-1].append(text)
            if self._role == "count":
                problem = cell_problem(text, "count", self.k)
                if problem:
                    self._find(f"table {len(self.tables)}: {problem}")
            self._cell = self._role = None

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self._find("an inline <script>: scripts come from the site's own assets")
        self.texts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def handle_comment(self, data: str) -> None:
        self._find(f"an HTML comment ({data.strip()[:40]!r}): nothing may be published unseen")


def _audit_page(path: Path, name: str, k: int) -> list[Finding]:
    page = _Page(name, k)
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    findings = page.findings + [Finding(name, p) for p in personal_problems("\n".join(page.texts))]
    for source, rows in page.tables:
        if source is not None:
            findings += _compare(path.parent / source, rows, name)
    return findings


def _compare(csv_path: Path, shown: list[list[str]], name: str) -> list[Finding]:
    """The page's table against the released CSV it names: the same header and cells, figure for figure."""
    if not csv_path.is_file():
        return [Finding(name, f"table names {csv_path.name} as its source, which is not published with it")]
    lines = [
        ln for ln in csv_path.read_text(encoding="utf-8").splitlines(keepends=True) if not ln.startswith("#")
    ]
    released = list(csv.reader(io.StringIO("".join(lines), newline="")))
    if len(shown) != len(released):
        return [
            Finding(
                name,
                f"table from {csv_path.name} has {len(shown) - 1} rows; the release has {len(released) - 1}",
            )
        ]
    findings = []
    for i, (page_row, file_row) in enumerate(zip(shown, released, strict=True)):
        if [_value(c) for c in page_row] != [_value(c) for c in file_row]:
            findings.append(
                Finding(
                    name,
                    f"table from {csv_path.name} differs from the release at row {i}: "
                    f"{page_row!r} against {file_row!r}",
                )
            )
    return findings


def _value(text: str) -> object:
    """A cell compared by value: '1,234' on the page is 1234 in the CSV; text and shorthand compare as text."""
    plain = text.strip().replace(",", "")
    try:
        return float(plain)
    except ValueError:
        return text.strip()


def _audit_xml(path: Path, name: str) -> list[Finding]:
    raw = path.read_text(encoding="utf-8")
    findings = [Finding(name, "an XML comment: nothing may be published unseen")] if "<!--" in raw else []
    root = fromstring(raw.encode("utf-8"))
    texts = [t for el in root.iter() for t in (el.text or "", *el.attrib.values())]
    return findings + [Finding(name, p) for p in personal_problems("\n".join(texts))]


def _audit_json(path: Path, name: str) -> list[Finding]:
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, v in value.items():
                texts.append(str(key))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            texts.append(value)

    walk(json.loads(path.read_text(encoding="utf-8")))
    return [Finding(name, p) for p in personal_problems("\n".join(texts))]
