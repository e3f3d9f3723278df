"""The DCAT-AP catalogue (JSON-LD, its context embedded so no reader fetches anything) a portal such as
data.gov.uk can harvest: one dcat:Dataset per current release, one dcat:Distribution per download (format,
byte size, sha256 checksum, licence). Withdrawn releases are left out. Built as plain data and written with
``json.dumps``, so every text is JSON-escaped.
"""

from __future__ import annotations

import json

from flows.publish.context import OGL_V3_URL
from flows.site.model import SiteData, SiteRelease

CATALOGUE_NAME = "catalogue.jsonld"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dct:issued": {"@type": "xsd:date"},
    "dct:modified": {"@type": "xsd:date"},
    "dcat:byteSize": {"@type": "xsd:nonNegativeInteger"},
    "dcat:accessURL": {"@type": "@id"},
    "dcat:downloadURL": {"@type": "@id"},
    "dcat:landingPage": {"@type": "@id"},
    "dct:license": {"@type": "@id"},
}
MEDIA_TYPES = {
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "CSV": "text/csv",
    "JSON": "application/json",
    "HTML": "text/html",
    "MD": "text/markdown",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def catalogue_json(site: SiteData, base_url: str) -> bytes:
    """``base_url``: the site's absolute address (IRIs must be absolute to be harvested); without one the
    IRIs are relative to the catalogue file, which a reader resolves against where it found it."""
    publisher = {"@id": f"{base_url}#publisher", "@type": "foaf:Agent", "foaf:name": site.organisation}
    doc = {
        "@context": CONTEXT,
        "@id": f"{base_url}{CATALOGUE_NAME}",
        "@type": "dcat:Catalog",
        "dct:title": f"{site.organisation}: published releases",
        "dct:description": "Freedom of Information responses and transparency datasets published by "
        f"{site.organisation}, with their tables and files.",
        "dct:publisher": publisher,
        "dct:license": OGL_V3_URL,
        "dcat:dataset": [_dataset(r, base_url, publisher["@id"]) for r in site.current],
    }
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _dataset(r: SiteRelease, base: str, publisher: str) -> dict:
    page = f"{base}releases/{r.slug}/index.html"
    folder = f"{base}releases/{r.slug}/v{r.entry.version}/"
    return {
        "@id": f"{page}#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": r.reference,
        "dct:title": r.entry.title,
        "dct:description": r.entry.response_text,
        "dct:issued": r.versions[0].date_published.isoformat(),
        "dct:modified": r.entry.date_published.isoformat(),
        "dct:publisher": {"@id": publisher},
        "dcat:keyword": [r.entry.category, r.entry.type, *r.entry.exemptions],
        "dcat:landingPage": page,
        "dcat:distribution": [
            {
                "@id": f"{folder}{a.file}#distribution",
                "@type": "dcat:Distribution",
                "dct:title": a.title,
                "dcat:accessURL": page,
                "dcat:downloadURL": f"{folder}{a.file}",
                "dcat:mediaType": MEDIA_TYPES.get(a.format, "application/octet-stream"),
                "dct:format": a.format,
                "dcat:byteSize": a.bytes,
                "dct:license": OGL_V3_URL,
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                    "spdx:checksumValue": {"@value": a.sha256, "@type": "xsd:hexBinary"},
                },
            }
            for a in r.entry.attachments
        ],
    }
