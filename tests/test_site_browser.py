"""The transparency site in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright,
over a site of 50 FOI responses (two withdrawn) and three standing datasets built by real publishes.

Skipped with the reason when Chromium is not installed, unless DISCLOSE_REQUIRE_BROWSER is set (.ci/run sets
it after installing Chromium), so CI cannot pass by skipping. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from site_helpers import DATASETS, build_home

from flows.site.build import site_path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
N_FOI, WITHDRAWN, PERIODS = 50, (3, 17), 2

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    settings, plan = build_home(
        tmp_path_factory.mktemp("browser"), N_FOI, periods=PERIODS, withdrawn=WITHDRAWN
    )
    current = [f for i, f in enumerate(plan) if i not in WITHDRAWN]
    return site_path(settings).resolve(), current


@pytest.fixture(scope="module")
def server(built):
    handler = functools.partial(_Quiet, directory=str(built[0]))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        if os.environ.get("DISCLOSE_REQUIRE_BROWSER"):
            pytest.fail(
                f"{CHROMIUM} is missing but DISCLOSE_REQUIRE_BROWSER is set (apt-get install -y chromium)"
            )
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
    yield pg
    context.close()


def _visible(page) -> set[str]:
    return set(
        page.eval_on_selector_all("#releases > li:not([hidden])", "els => els.map(e => e.dataset.reference)")
    )


def _open_index(page, server: str):
    page.goto(server + "index.html")
    page.wait_for_function("document.getElementById('result-count').textContent.length > 0")


def test_every_page_renders_without_console_errors_and_every_link_and_download_resolves(
    page, server, built
) -> None:
    root, current = built
    pages = {str(p.relative_to(root)) for p in root.rglob("*.html") if not re.match(r"v\d+$", p.parent.name)}
    seen, queue, checked = set(), ["index.html"], set()
    while queue:
        rel = queue.pop()
        if rel in seen:
            continue
        seen.add(rel)
        response = page.goto(server + rel)
        assert response is not None and response.ok, rel
        page.wait_for_load_state("load")
        links = page.eval_on_selector_all(
            "a[href], link[href], script[src]",
            "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))",
        )
        for link in links:
            url = urljoin(server + rel, link)
            if not url.startswith(server):
                continue  # the licence and other sites are not ours to check
            target = urlparse(url).path.lstrip("/")
            if target not in checked:
                with urllib.request.urlopen(server + target) as r:  # noqa: S310 - our own local server
                    assert r.status == 200, (rel, link)
                checked.add(target)
            if target in pages:
                queue.append(target)
    assert page.errors == []  # type: ignore[attr-defined]
    assert seen == pages  # every page is reachable from the index
    downloads = [t for t in checked if re.search(r"/v\d+/", t)]
    assert len(downloads) >= len(current) * 5  # workbook, ODS, CSV, sidecar, letters: every one resolves


def test_searching_finds_exactly_the_matching_releases(page, server, built) -> None:
    _, current = built
    _open_index(page, server)
    everything = _visible(page)
    assert len(everything) == len(current) + PERIODS * len(DATASETS)
    searches = {
        current[7].reference: {current[7].reference},
        "arson": {f.reference for f in current if f.offence == "Arson"},
        "s.31(1)(a)": {f.reference for f in current if "s.31(1)(a)" in f.exemptions},
    }
    for query, expected in searches.items():
        page.fill("#q", query)
        assert _visible(page) == expected, query
        assert page.text_content("#result-count").startswith(f"{len(expected)} of")
    page.fill("#q", "")
    assert _visible(page) == everything


def test_each_filter_narrows_to_exactly_the_matching_releases(page, server, built) -> None:
    _, current = built
    _open_index(page, server)
    everything = _visible(page)
    standing = everything - {f.reference for f in current}
    cases = [
        ("#type", "Proactive publication", standing),
        ("#type", "FOI response", {f.reference for f in current}),
        ("#topic", "Custody", {f.reference for f in current if f.topic == "Custody"}),
        ("#exemption", "s.40(2)", {f.reference for f in current if "s.40(2)" in f.exemptions}),
    ]
    for selector, value, expected in cases:
        page.select_option(selector, value)
        assert _visible(page) == expected and 0 < len(expected) < len(everything), (selector, value)
        page.select_option(selector, "")
    cut = current[20].published
    page.fill("#to", cut.isoformat())
    page.dispatch_event("#to", "change")
    assert _visible(page) == {f.reference for f in current if f.published <= cut}
    page.fill("#from", current[10].published.isoformat())
    page.dispatch_event("#from", "change")
    assert _visible(page) == {f.reference for f in current if current[10].published <= f.published <= cut}


def test_without_javascript_every_release_is_listed(browser, server, built) -> None:
    _, current = built
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(server + "index.html")
    assert len(_visible(pg)) == len(current) + PERIODS * len(DATASETS)
    context.close()


def test_axe_finds_no_serious_or_critical_violations(page, server, built) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _, current = built
    axe = Axe()
    for rel in (
        "index.html",
        f"releases/{current[0].reference}/index.html",
        f"datasets/{DATASETS[0]}/index.html",
        "releases/FOI-2026-0003/index.html",
        "withdrawn.html",
        "accessibility.html",
    ):
        page.goto(server + rel)
        result = axe.run(page)
        serious = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (rel, serious)


def test_screenshots_of_the_index_a_release_and_a_dataset(page, server, built) -> None:
    _, current = built
    ARTIFACTS.mkdir(exist_ok=True)
    for rel, name in (
        ("index.html", "site-index.png"),
        (f"releases/{current[0].reference}/index.html", "site-release.png"),
        (f"datasets/{DATASETS[0]}/index.html", "site-dataset.png"),
    ):
        page.goto(server + rel)
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        assert (ARTIFACTS / name).stat().st_size > 1000
