"""The transparency site (flows/site/) built from real releases: what it shows, what it refuses to show, and
how it is rebuilt. The browser tests are in test_site_browser.py."""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_helpers import DATASETS, build_home, copy_home, foi_plan, publish_foi
from typer.testing import CliRunner

from flows.cli import app
from flows.config import ConfigError, load_settings
from flows.publish.guard_site import audit_site
from flows.release.withdraw import withdraw
from flows.site.build import SiteRefused, build_site, site_path

HOSTILE = (
    '<script>alert("x")</script> & <b onmouseover="steal()">bold</b> ]]> </textarea> {{ 7 * 7 }} '
    "\u2028 'quotes' \"double\""
)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """Five FOI responses (the second withdrawn) and two periods of each of three standing datasets."""
    settings, plan = build_home(tmp_path_factory.mktemp("site"), 5, periods=2, withdrawn=(1,))
    return settings, plan


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_current_release_has_a_page_its_tables_and_its_downloads_with_size_and_sha256(home) -> None:
    settings, plan = home
    site = site_path(settings)
    index = (site / "index.html").read_text()
    for i, foi in enumerate(plan):
        page = site / "releases" / foi.reference / "index.html"
        assert page.is_file()
        if i == 1:
            continue
        assert f'href="releases/{foi.reference}/index.html"' in index
        text = page.read_text()
        assert foi.request_text in text and f"Arrests for {foi.offence.lower()}, 2025" in text
        entry = json.loads((settings.published_dir / "disclosure-log.json").read_text())
        (logged,) = [r for r in entry["releases"] if r["reference"] == foi.reference]
        for a in logged["attachments"]:
            served = site / "releases" / foi.reference / "v1" / a["file"]
            assert served.stat().st_size == a["bytes"]
            assert hashlib.sha256(served.read_bytes()).hexdigest() == a["sha256"]
            assert a["sha256"] in text and f'href="v1/{a["file"]}"' in text


def test_a_withdrawn_release_leaves_index_feed_catalogue_and_search_but_keeps_its_notice(home) -> None:
    settings, plan = home
    site = site_path(settings)
    gone = plan[1].reference
    for name in ("index.html", "feed.atom", "catalogue.jsonld", "search-index.json"):
        assert gone not in (site / name).read_text(), name
    assert plan[0].reference in (site / "index.html").read_text()
    notice = (site / "releases" / gone / "index.html").read_text()
    assert "Withdrawal notice" in notice and "was withdrawn on" in notice
    assert not (site / "releases" / gone / "v1").exists()  # its files are no longer served
    assert "<h2>Downloads</h2>" not in notice and plan[1].request_text not in notice
    assert f"releases/{gone}/index.html" in (site / "withdrawn.html").read_text()


def test_a_page_per_standing_dataset_with_its_calendar_every_period_and_a_chart_beside_its_table(
    home,
) -> None:
    settings, _ = home
    for name in DATASETS:
        page = site_path(settings) / "datasets" / name / "index.html"
        parsed = _parse(page)
        text = page.read_text()
        assert "Next update" in text
        for month in ("02", "03"):
            assert f"releases/{name}.2026-{month}/index.html" in text
        svg = [attrs for tag, attrs in parsed.tags if tag == "svg"]
        assert svg and svg[0]["role"] == "img" and "chart-desc" in svg[0]["aria-labelledby"]
        assert any(tag == "table" and "data-source" in attrs for tag, attrs in parsed.tags)


def test_the_feed_is_atom_with_every_required_element_and_parses_with_feedparser(home) -> None:
    import feedparser

    settings, plan = home
    raw = (site_path(settings) / "feed.atom").read_bytes()
    root = ET.fromstring(raw)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 4 + 2 * len(DATASETS)  # five FOI responses, one withdrawn
    for e in entries:
        for required in ("id", "title", "updated", "summary"):
            assert (e.findtext(f"{ATOM}{required}") or "").strip(), required
        assert e.find(f"{ATOM}link[@rel='alternate']") is not None
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == len(entries)
    assert {plan[0].reference in e.title for e in parsed.entries} == {True, False}


def test_the_catalogue_is_dcat_json_ld_with_its_context_embedded_and_passes_shacl_shapes(home) -> None:
    import rdflib
    from pyshacl import validate

    settings, plan = home
    site = site_path(settings)
    doc = json.loads((site / "catalogue.jsonld").read_text())
    assert isinstance(doc["@context"], dict)  # embedded: a harvester fetches nothing
    graph = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld", publicID="https://example.org/site/")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    datasets = set(graph.subjects(rdflib.RDF.type, dcat.Dataset))
    assert len(datasets) == 4 + 2 * len(DATASETS)
    sizes = {int(o) for o in graph.objects(None, dcat.byteSize)}
    assert sizes and all(s > 0 for s in sizes)
    shapes = rdflib.Graph().parse(Path(__file__).parent / "data" / "dcat-ap-mandatory.ttl")
    conforms, _, report = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report


def test_hostile_request_text_is_escaped_in_the_page_the_feed_and_the_search_index(home, tmp_path) -> None:
    settings = copy_home(home[0], tmp_path)
    foi = foi_plan(7)[6]
    public = tmp_path / "public.txt"
    public.write_text(HOSTILE)
    publish_foi(settings, foi, public_text=public)
    site = site_path(settings)
    page = site / "releases" / foi.reference / "index.html"
    parsed = _parse(page)
    assert [a for t, a in parsed.tags if t == "script"] == []  # a release page has no script at all
    assert not any("onmouseover" in a for _, a in parsed.tags)
    assert HOSTILE.strip() in "".join(parsed.text)  # shown as the text it is (one line per paragraph)
    (entry,) = [
        e
        for e in ET.fromstring((site / "feed.atom").read_bytes()).findall(f"{ATOM}entry")
        if foi.reference in e.findtext(f"{ATOM}title")
    ]
    assert HOSTILE.strip() in entry.findtext(f"{ATOM}summary")
    (record,) = [
        r for r in json.loads((site / "search-index.json").read_text()) if r["reference"] == foi.reference
    ]
    assert HOSTILE.strip() in record["text"]
    assert audit_site(site, settings.threshold, settings.organisation) == []


def test_the_site_guard_passes_the_built_site_and_refuses_each_kind_of_leak(home, tmp_path) -> None:
    settings, plan = home
    built = site_path(settings).resolve()
    assert audit_site(built, settings.threshold) == []
    page_rel = Path("releases") / plan[0].reference / "index.html"
    original = (built / page_rel).read_text()
    figure = original.split('data-role="count" class="num">')[1].split("<")[0]
    assert figure.isdigit() and int(figure) >= settings.threshold
    cases = {
        "below the threshold": original.replace(f'class="num">{figure}<', 'class="num">3<', 1),
        "differs from the release": original.replace(
            f'class="num">{figure}<', f'class="num">{int(figure) + 10}<', 1
        ),
        "e-mail address": original.replace("</main>", "<p>ask jo.bloggs@example.org</p></main>"),
        "custody reference": original.replace("</main>", "<p>CU/2025/000123</p></main>"),
        "hidden attribute": original.replace("</main>", "<p hidden>secret</p></main>"),
        "hidden by its style": original.replace("</main>", '<p style="display: none">x</p></main>'),
        "HTML comment": original.replace("</main>", "<!-- 3 in Robbery --></main>"),
        "inline <script>": original.replace("</main>", "<script>x()</script></main>"),
        "from elsewhere": original.replace(
            "</head>", '<script src="https://cdn.example/x.js"></script></head>'
        ),
    }
    for expected, text in cases.items():
        copy = tmp_path / expected.replace(" ", "-").replace("<", "").replace(">", "")
        os.system(f"cp -r {built} {copy}")  # noqa: S605 - test copy of a temporary folder
        (copy / page_rel).unlink()
        (copy / page_rel).write_text(text)
        findings = audit_site(copy, settings.threshold)
        assert findings and any(expected in f.problem for f in findings), (expected, findings)


def test_a_build_the_guard_refuses_leaves_the_live_site_as_it_was(home, tmp_path, monkeypatch) -> None:
    import flows.site.build as build

    settings = copy_home(home[0], tmp_path)
    live_before = site_path(settings).resolve()
    builds_before = sorted((settings.home / ".site-builds").iterdir())
    real = build.render_site

    def leaky(site, *args, **kwargs):
        files = real(site, *args, **kwargs)
        files["index.html"] = files["index.html"].replace(b"</main>", b"<p>P12345678</p></main>")
        return files

    monkeypatch.setattr(build, "render_site", leaky)
    with pytest.raises(SiteRefused, match="person reference"):
        build_site(settings)
    assert site_path(settings).resolve() == live_before
    assert sorted((settings.home / ".site-builds").iterdir()) == builds_before  # the staged build is gone


def test_disclose_site_builds_an_empty_home_and_prints_its_index(tmp_path) -> None:
    result = CliRunner().invoke(app, ["site", "--home", str(tmp_path / "home")])
    assert result.exit_code == 0, result.output
    index = tmp_path / "home" / "site" / "index.html"
    assert index.is_file() and str(index) in result.output.replace("\n", "")
    assert "0 releases" in result.output
    assert "links are relative: set [disclose.release] site_base_url" in result.output.replace("\n", " ")


def test_withdrawing_rebuilds_the_site_directly(home, tmp_path) -> None:
    settings = copy_home(home[0], tmp_path)
    reference = foi_plan(1)[0].reference
    assert reference in (site_path(settings) / "index.html").read_text()
    withdraw(settings, reference, reason="wrong", by="Second Officer")
    assert reference not in (site_path(settings) / "index.html").read_text()


def _links(site: Path) -> tuple[list[str], list[str]]:
    """Every link the feed holds, and every IRI the catalogue's datasets and distributions point at."""
    feed = ET.fromstring((site / "feed.atom").read_bytes())
    catalogue = json.loads((site / "catalogue.jsonld").read_text())
    iris = [catalogue["@id"]]
    for d in catalogue["dcat:dataset"]:
        iris += [d["@id"], d["dcat:landingPage"]]
        for f in d["dcat:distribution"]:
            iris += [f["@id"], f["dcat:accessURL"], f["dcat:downloadURL"]]
    return [link.get("href") for link in feed.iter(f"{ATOM}link")], iris


def test_with_a_site_base_url_the_feed_and_catalogue_link_absolutely_to_files_the_site_serves(
    home, tmp_path
) -> None:
    import rdflib

    copy = copy_home(home[0], tmp_path)
    config = tmp_path / "disclose.toml"
    config.write_text('[disclose.release]\nsite_base_url = "https://www.example.police.uk/transparency"\n')
    settings = load_settings(
        config, home=copy.home, requests_dir=copy.requests_dir, operator="a", organisation=copy.organisation
    )
    base = "https://www.example.police.uk/transparency/"  # the setting gains its closing slash
    result = build_site(settings)
    assert result.base_url == base and base in result.report
    site = site_path(settings)
    hrefs, iris = _links(site)
    for link in hrefs + iris:
        assert link.startswith(base), link
        assert (site / link[len(base) :].split("#")[0]).is_file(), link  # a harvester finds what it names
    graph = rdflib.Graph().parse(data=(site / "catalogue.jsonld").read_text(), format="json-ld")  # no base
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    downloads = {str(o) for o in graph.objects(None, dcat.downloadURL)}
    assert downloads and all(d.startswith(base) for d in downloads)
    assert {str(s) for s in graph.subjects(rdflib.RDF.type, dcat.Dataset)} == {
        f"{base}releases/{r['reference']}/index.html#dataset"
        for r in json.loads((site / "search-index.json").read_text())
    }
    assert audit_site(site, settings.threshold) == []


def test_without_a_base_url_the_links_are_relative_to_the_feed_and_catalogue_and_resolve(home) -> None:
    settings, _ = home
    site = site_path(settings)
    hrefs, iris = _links(site)
    for link in hrefs + iris:
        assert not link.startswith(("http:", "https:", "/")), link
        assert (site / link.split("#")[0]).is_file() or link.startswith("#"), link


def test_a_site_base_url_that_is_not_an_http_url_is_refused_naming_the_key(tmp_path) -> None:
    config = tmp_path / "disclose.toml"
    config.write_text('[disclose.release]\nsite_base_url = "www.example.police.uk/transparency/"\n')
    with pytest.raises(ConfigError, match=r"release\.site_base_url: .*http\(s\) URL"):
        load_settings(config)
