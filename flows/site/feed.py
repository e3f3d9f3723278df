"""The site's Atom feed (RFC 4287) of current releases, built with ElementTree so every text is XML-escaped.

Withdrawn releases are left out (their notices stay on the site). Every element RFC 4287 requires is present:
feed id, title, updated, author and a self link; entry id, title, updated, a link and a summary. Ids are tag
URIs (RFC 4151) minted from the organisation's name and the reference, so they never change with the host.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from flows.site.model import SiteData, SiteRelease

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAME = "feed.atom"
MAX_ENTRIES = 100


def tag_uri(organisation: str, first: date, specific: str) -> str:
    authority = re.sub(r"[^a-z0-9]+", "-", organisation.lower()).strip("-") + ".disclose.invalid"
    return f"tag:{authority},{first.isoformat()}:{specific}"


def feed_xml(site: SiteData, base_url: str) -> bytes:
    """``base_url``: where the site is served ('' for relative links)."""
    ET.register_namespace("", ATOM)
    current = site.current[:MAX_ENTRIES]
    first = min((r.versions[0].date_published for r in site.releases), default=site.built_on)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", tag_uri(site.organisation, first, "releases"))
    _text(feed, "title", f"{site.organisation}: published releases")
    _text(feed, "updated", _stamp(max((_updated(r) for r in current), default=site.built_on)))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", site.organisation)
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "self", "href": f"{base_url}{FEED_NAME}", "type": "application/atom+xml"},
    )
    ET.SubElement(
        feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base_url}index.html", "type": "text/html"}
    )
    for r in current:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", tag_uri(site.organisation, r.versions[0].date_published, f"release/{r.reference}"))
        _text(entry, "title", f"{r.reference}: {r.entry.title}")
        _text(entry, "updated", _stamp(_updated(r)))
        _text(entry, "published", _stamp(r.versions[0].date_published))
        ET.SubElement(
            entry,
            f"{{{ATOM}}}link",
            {"rel": "alternate", "type": "text/html", "href": f"{base_url}releases/{r.slug}/index.html"},
        )
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": r.entry.category})
        request = f" Request: {r.entry.request_text}" if r.entry.request_text else ""
        _text(
            entry, "summary", f"{r.entry.type}. {r.entry.outcome}.{request} Response: {r.entry.response_text}"
        )
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _updated(r: SiteRelease) -> date:
    return r.versions[-1].date_published


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    el.text = text
    return el
