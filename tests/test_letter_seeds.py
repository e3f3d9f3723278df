"""The two seed requests, end to end on the demo's synthetic data (seed 1): their letters, read back from the
release folder in Markdown, HTML and DOCX, hold every element of the real MPS and WMP letters."""

from __future__ import annotations

from pathlib import Path

import pytest
from letter_text import docx_paragraphs, flat, html_paragraphs, md_paragraphs, repeated
from test_publish_helpers import sign_off

from flows.config import load_settings
from flows.contracts.manifest import read_manifest
from flows.publish.guard import audit_paths

ORGANISATION = "Example Constabulary (synthetic demonstration)"


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> dict[str, dict[str, list[str]]]:
    from flows.generate import generate
    from flows.pipeline import run_request, stage_ingest, stage_transform

    home = tmp_path_factory.mktemp("home")
    generate(seed=1, scale="tiny", out=home / "landing")
    settings = load_settings(home=home, synthetic=True, organisation=ORGANISATION)
    stage_ingest(settings)
    stage_transform(settings)
    out = {}
    for spec in ("wmp-3056-15.yaml", "mps-01-foi-22-025326.yaml"):  # the demo's order
        (release,) = sign_off(settings, run_request(settings, spec).releases)
        folder = settings.published_dir / release.release_id
        assert audit_paths([folder]) == []  # the guard reads the DOCX too
        assert {"letter.md", "letter.html", "letter.docx"} <= {f.path for f in read_manifest(folder).files}
        out[release.release_id.split("/")[0]] = _read(folder)
    return out


def _read(folder: Path) -> dict[str, list[str]]:
    return {
        "md": md_paragraphs((folder / "letter.md").read_text(encoding="utf-8")),
        "html": html_paragraphs((folder / "letter.html").read_text(encoding="utf-8")),
        "docx": docx_paragraphs((folder / "letter.docx").read_bytes()),
    }


def _has(letter: dict[str, list[str]], *phrases: str) -> None:
    for fmt, paragraphs in letter.items():
        whole = " ".join(paragraphs)
        for phrase in phrases:
            assert flat(phrase) in whole, f"{fmt}: {phrase!r} missing"


def test_mps_01_foi_22_025326(letters):
    mps = letters["01.FOI.22.025326"]
    _has(
        mps,
        "Synthetic demonstration data: not real police figures.",
        "Could you tell me the number of arrests that were made relating to assisting unlawful immigration,",
        "Could you break down the response by offence, year and whether there was further action",
        "serves as a refusal notice under section 17 of the Freedom of Information Act 2000",
        "Section 30(1)(a)(b)(c)(2) – Investigations",
        "Section 40(2)(3A)(a) – Personal Information",
        "The force does not hold conviction data; it is held by the Crown Prosecution Service (CPS)",
        "Some figures are so low that publishing them as you asked could identify the people they count",
        "numbers from 1 to 4 are withheld and shown as [c]",
        "Section 30(1) is a class-based qualified exemption",
        "Factors favouring non-disclosure",
        "Balance of the public interest",
        "six data protection principles",
        "legitimate interest test",
        "Disclosure would also be unfair",
        "The exemption in section 40(2) is absolute and class-based",
        "read in conjunction with the Notes worksheet of the attached spreadsheet (01-foi-22-025326.xlsx)",
        "Advice and assistance",
        "you may contact them at: Information Access Team, Crown Prosecution Service, 102 Petty France, "
        "London SW1H 9EA",
        "ask for an internal review",
        "Information Commissioner's Office",
    )
    for fmt, paragraphs in mps.items():
        assert repeated(paragraphs) == [], fmt


def test_wmp_3056_15(letters):
    wmp = letters["3056_15"]
    _has(
        wmp,
        "How many suspected illegal migrants have you arrested in the last week (Weds 29/07/15 – Weds 05/08/15),",
        "Information considered suitable for disclosure is attached",
        'The figures are in Table 2, "Arrests under the Immigration Act 1971, July 2015 and July 2014"',
        f"{ORGANISATION} can neither confirm nor deny that it holds any other information relevant to this request",
        "Section 23(5) – Information supplied by, or concerning, certain Security Bodies",
        "Section 24(2) – National Security",
        "Section 31(3) – Law Enforcement",
        "Section 23 is a class-based absolute exemption",
        "Section 24(2) is a prejudice-based qualified exemption",
        "Section 31(3) is a prejudice-based qualified exemption",
        "Harm in confirming or denying that information is held",
        "Balancing test",
        "No inference can be drawn from this refusal that information is or is not held.",
    )
    for fmt, paragraphs in wmp.items():
        whole = " ".join(paragraphs)
        assert whole.count("Factors favouring confirming or denying that information is held") == 2, fmt
        assert whole.count("Factors against confirming or denying that information is held") == 2, fmt
        assert repeated(paragraphs) == [], fmt
