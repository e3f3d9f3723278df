"""The letter from the force's templates: the elements of the two seed letters in Markdown, HTML and DOCX,
exemptions only as given, no sentence twice, escaping, clean Word metadata, and errors that name the file."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import polars as pl
import pytest
from letter_text import docx_paragraphs, flat, html_paragraphs, md_paragraphs, repeated
from test_publish_helpers import ORG, district_table, offence_table, publish

from flows.config import load_settings
from flows.publish.guard import audit_paths
from flows.publish.letter import TEMPLATES_DIR, LetterTemplateError, render_letter
from flows.publish.letter_facts import Claim, LetterFacts, Part, TableSummary
from flows.sdc.explain import Facts, explain
from flows.sdc.policy import SdcPolicy
from flows.sdc.shapes import COMBINED_BECAUSE

CPS = "Information Access Team, Crown Prosecution Service, 102 Petty France, London SW1H 9EA"
NCND = ("s.23(5)", "s.24(2)", "s.31(3)")


def _claims(sections) -> tuple[Claim, ...]:
    return tuple(Claim(s, s in {"s.23(5)", "s.24(2)", "s.30(3)", "s.31(3)", "s.40(5)"}) for s in sections)


def _data_part(pid: str, table: TableSummary) -> Part:
    return Part(
        pid,
        f"Arrests for part {pid}",
        "data",
        "",
        f"Part {pid} was read as Immigration Act 1971 arrests.",
        None,
        None,
        (),
        table,
    )


def mps_facts(**overrides) -> LetterFacts:
    """MPS 01.FOI.22.025326: a table whose years were combined and small figures withheld, some of them on
    arrests still under investigation; convictions not held (the CPS holds them). The notes and exemptions
    are what the disclosure-control engine itself says for that."""
    notes, sections = explain(
        Facts(
            strategy="collapse",
            withheld=3,
            collapsed=[f"Year: categories are combined into one total, {COMBINED_BECAUSE}"],
            secondary=2,
            pending_withheld=True,
        ),
        SdcPolicy(k=5),
    )
    table = TableSummary(
        1, "part_1", "Arrests by offence and further action, 2018 to 2022", "Table_1", "part-1.csv"
    )
    values = dict(
        reference="01.FOI.22.025326",
        release_id="01.FOI.22.025326/v1",
        title="Arrests by offence, 2018 to 2022",
        organisation=ORG,
        contact="Freedom of Information Unit",
        synthetic=False,
        threshold=5,
        date_received=date(2022, 8, 15),
        date_due=date(2022, 9, 13),
        date_responded=date(2022, 9, 12),
        request_lines=(
            "Could you tell me the number of arrests that were made relating to assisting unlawful",
            "immigration, in the years:",
            "- 2022",
            "- 2021",
        ),
        outcome="Partially disclosed",
        parts=(
            replace(_data_part("1", table), question="Arrests by offence, year and further action"),
            Part(
                "2",
                "Convictions",
                "not_held",
                "The force does not hold conviction data.",
                "",
                "the Crown Prosecution Service",
                CPS,
                (),
                None,
            ),
        ),
        tables=(table,),
        workbook="01-foi-22-025326.xlsx",
        counting_notes=("Arrests are counted once per custody record, under the principal offence.",),
        protection_notes=tuple(notes),
        claims=_claims(sections),
        attachments=("01-foi-22-025326.xlsx", "part-1.csv", "part-1.csv-metadata.json"),
    )
    values.update(overrides)
    return LetterFacts(**values)


def wmp_facts(**overrides) -> LetterFacts:
    """WMP 3056_15: two tables shown in full; any other information neither confirmed nor denied."""
    tables = tuple(
        TableSummary(i, f"part_{i}", f"Arrests, period {i}", f"Table_{i}", f"part-{i}.csv") for i in (1, 2)
    )
    values = dict(
        reference="3056_15",
        release_id="3056_15/v1",
        title="Arrests under the Immigration Act 1971",
        organisation=ORG,
        contact="Freedom of Information Unit",
        synthetic=False,
        threshold=5,
        date_received=date(2015, 8, 5),
        date_due=date(2015, 9, 2),
        date_responded=date(2015, 9, 29),
        request_lines=("How many suspected illegal migrants have you arrested in the last week?",),
        outcome="Partially disclosed",
        parts=(
            _data_part("1", tables[0]),
            _data_part("2", tables[1]),
            Part(
                "3",
                "Are you arresting more?",
                "ncnd",
                "Joint operations are neither confirmed nor denied.",
                "",
                None,
                None,
                NCND,
                None,
            ),
        ),
        tables=tables,
        workbook="3056-15.xlsx",
        counting_notes=(),
        protection_notes=(),
        claims=_claims(NCND),
        attachments=("3056-15.xlsx", "part-1.csv", "part-2.csv"),
    )
    values.update(overrides)
    return LetterFacts(**values)


def texts(facts: LetterFacts, templates: Path | None = None) -> dict[str, list[str]]:
    """The letter's paragraphs in each format, read back independently of the renderer."""
    letter = render_letter(facts, templates)
    return {
        "md": md_paragraphs(letter.markdown),
        "html": html_paragraphs(letter.html),
        "docx": docx_paragraphs(letter.docx),
    }


def _in_every_format(paragraphs: dict[str, list[str]], *phrases: str) -> None:
    for fmt, found in paragraphs.items():
        whole = " ".join(found)
        for phrase in phrases:
            assert flat(phrase) in whole, f"{fmt}: {phrase!r} missing"


def test_mps_letter_has_every_element_of_the_seed_in_every_format():
    letter = texts(mps_facts())
    _in_every_format(
        letter,
        # the request restated, line by line as asked
        "Could you tell me the number of arrests that were made relating to assisting unlawful",
        "- 2022",
        # the decision and the s.17 refusal notice naming each exemption with its subsections
        "I have today decided to disclose some of the information you asked for",
        "serves as a refusal notice under section 17 of the Freedom of Information Act 2000",
        "Section 30(1)(a)(b)(c)(2) – Investigations",
        "Section 40(2)(3A)(a) – Personal Information",
        # what is not held, and who holds it
        "The force does not hold conviction data.",
        "held by the Crown Prosecution Service",
        # why figures were combined, in general terms (low numbers)
        "Some figures are so low that publishing them as you asked could identify the people they count",
        "Year: categories are combined into one total, because figures for single categories were too small",
        # s.30: harm and public-interest test
        "Section 30(1) is a class-based qualified exemption",
        "The outcome of some of the arrests counted has yet",
        "Factors favouring disclosure",
        "Factors favouring non-disclosure",
        "Balance of the public interest",
        "cannot be in the public interest",
        # s.40: DPA 2018 principles, legitimate interest test, fairness, absolute and class-based
        "six data protection principles",
        "Data Protection Act 2018",
        "legitimate interest test",
        "Disclosure would also be unfair",
        "The exemption in section 40(2) is absolute and class-based",
        # read with the notes page
        "read in conjunction with the Notes worksheet of the attached spreadsheet (01-foi-22-025326.xlsx)",
        # advice and assistance with the other body's contact
        "Advice and assistance",
        "Under section 16 of the Act",
        CPS,
        # internal review and the ICO
        "ask for an internal review",
        "Information Commissioner's Office",
        "ico.org.uk/make-a-complaint",
    )
    assert not any(
        "neither confirm nor deny" in p.lower() for p in letter["html"]
    )  # nothing NCND was claimed


def test_wmp_letter_has_every_element_of_the_seed_in_every_format():
    letter = texts(wmp_facts())
    _in_every_format(
        letter,
        "Information considered suitable for disclosure is attached",  # the data
        'The figures are in Table 1, "Arrests, period 1"',
        'The figures are in Table 2, "Arrests, period 2"',
        f"{ORG} can neither confirm nor deny that it holds any other information relevant to this request",
        "the duty in section 1(1)(a) of the Act does not apply",
        "Section 23(5) – Information supplied by, or concerning, certain Security Bodies",
        "Section 24(2) – National Security",
        "Section 31(3) – Law Enforcement",
        "Section 23 is a class-based absolute exemption, and there is no requirement to consider the public",
        "Section 24(2) is a prejudice-based qualified exemption",
        "Section 31(3) is a prejudice-based qualified",
        "Harm in confirming or denying that information is held",
        "Modern policing is intelligence-led",
        "Public interest considerations",
        "Balancing test",
        "the balance favours neither confirming nor denying",
        "No inference can be drawn from this refusal that information is or is not held.",
        "Joint operations are neither confirmed nor denied.",  # the part's own words
    )
    for fmt, found in letter.items():  # factors for and against, for each qualified exemption
        whole = " ".join(found)
        assert whole.count("Factors favouring confirming or denying that information is held") == 2, fmt
        assert whole.count("Factors against confirming or denying that information is held") == 2, fmt
    assert not any(
        "refusal notice under section 17 of the Freedom" in p for p in letter["md"]
    )  # nothing withheld
    assert not any("Advice and assistance" in p for p in letter["md"])  # nothing held elsewhere


@pytest.mark.parametrize(
    "facts",
    [
        mps_facts(),
        wmp_facts(),
        mps_facts(
            claims=_claims(["s.24(1)", "s.30(1)", "s.31(1)(a)", "s.40(2)", *NCND, "s.30(3)", "s.40(5)"])
        ),
    ],
    ids=["mps", "wmp", "every-exemption"],
)
def test_no_sentence_appears_twice(facts):
    for fmt, paragraphs in texts(facts).items():
        assert repeated(paragraphs) == [], fmt


def test_the_exemptions_claimed_are_exactly_those_given():
    nothing = " ".join(texts(mps_facts(claims=()))["html"])
    assert "I have today decided to disclose the information you asked for that" in nothing
    assert "refusal notice" not in nothing and "Section 40" not in nothing and "Section 30" not in nothing
    personal_only = " ".join(texts(mps_facts(claims=_claims(["s.40(2)"])))["html"])
    assert (
        "Section 40(2)(3A)(a) – Personal Information" in personal_only and "Section 30" not in personal_only
    )
    assert "Section 31(1)(a) – Law Enforcement" in " ".join(
        texts(mps_facts(claims=_claims(["s.31(1)(a)"])))["md"]
    )


def test_a_claim_without_paragraphs_is_refused_naming_the_file_to_add():
    with pytest.raises(
        LetterTemplateError, match=r"exemptions: no paragraphs for s\.38\(1\): add s38-1\.md\.j2"
    ):
        render_letter(mps_facts(claims=_claims(["s.38(1)"])))


def _templates_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TEMPLATES_DIR, tmp_path / "templates"))


def test_a_force_edits_the_wording_without_touching_python(tmp_path):
    templates = _templates_copy(tmp_path)
    s40 = templates / "exemptions" / "s40-2.md.j2"
    s40.write_text(
        s40.read_text().replace(
            "There are six data protection principles",
            "Our own wording: there are six data protection principles",
        )
    )
    _in_every_format(
        texts(mps_facts(), templates), "Our own wording: there are six data protection principles"
    )
    (tmp_path / "disclose.toml").write_text('[disclose]\ntemplates_dir = "templates"\n')  # beside the config
    settings = load_settings(tmp_path / "disclose.toml")
    assert settings.templates_dir == templates
    release = publish(tmp_path / "published", templates_dir=settings.templates_dir).path
    assert "Our own wording: there are six data protection principles" in (release / "letter.md").read_text()


def test_template_mistakes_name_the_file_and_line(tmp_path):
    templates = _templates_copy(tmp_path)
    letter = templates / "letter.md.j2"
    lines = letter.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("Dear Requester"))
    lines[line - 1] = "Dear {{ facts.requester_name }},"
    letter.write_text("\n".join(lines))
    with pytest.raises(LetterTemplateError, match=rf"letter\.md\.j2, line {line}: .*requester_name"):
        render_letter(mps_facts(), templates)
    s31 = templates / "exemptions" / "s31-3.md.j2"
    s31.write_text(s31.read_text().replace("{% macro harm() %}", "{% macro harms() %}"))
    with pytest.raises(LetterTemplateError, match=r"s31-3\.md\.j2: define the macro harm\(\)"):
        render_letter(wmp_facts())  # the shipped templates are fine ...
        render_letter(wmp_facts(), templates)  # ... the edited copy is not
    with pytest.raises(LetterTemplateError, match=r"s31-3\.md\.j2: define the macro harm\(\)"):
        render_letter(wmp_facts(), templates)


def test_the_requesters_words_stay_words_in_every_format():
    hostile = (
        "<script>alert(1)</script> [click](javascript:alert(1)) *loud* &amp;",
        "# Not a heading",
        "1. not a list",
        "> not a quote",
    )
    letter = render_letter(mps_facts(request_lines=hostile))
    assert "<script" not in letter.html and "href" not in letter.html and "<em>" not in letter.html
    assert letter.html.count("<h1>") == 1
    assert "<ol" not in letter.html and letter.html.count("<blockquote>") == 1
    for fmt, found in {
        "md": md_paragraphs(letter.markdown),
        "html": html_paragraphs(letter.html),
        "docx": docx_paragraphs(letter.docx),
    }.items():
        whole = " ".join(found)
        for line in hostile:
            assert line in whole, (fmt, line)


def test_the_docx_carries_the_organisation_and_nothing_personal_or_hidden():
    letter = render_letter(mps_facts())
    props = docx.Document(io.BytesIO(letter.docx)).core_properties
    assert props.author == props.last_modified_by == ORG
    assert props.created.date() == props.modified.date() == date(2022, 9, 12)
    assert props.comments == "" and "python-docx" not in (props.title + props.subject + props.keywords)
    with zipfile.ZipFile(io.BytesIO(letter.docx)) as zf:
        names = set(zf.namelist())
        body = zf.read("word/document.xml")
    assert not {n for n in names if re.search(r"comments|people|customXml|thumbnail|docProps/app", n)}
    assert not re.search(rb"<w:(ins|del|moveFrom|moveTo|commentReference|vanish)\b", body)
    assert render_letter(mps_facts()).docx == letter.docx  # the same letter, byte for byte


def test_the_guard_refuses_a_letter_with_tracked_changes_comments_or_a_persons_name(tmp_path):
    letter = render_letter(mps_facts()).docx
    clean = tmp_path / "letter.docx"
    clean.write_bytes(letter)
    assert audit_paths([clean]) == []

    def altered(name: str, change) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(io.BytesIO(letter)) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, change(item.filename, src.read(item.filename)))
            if name.startswith("comments"):
                dst.writestr("word/comments.xml", b"<w:comments/>")
        return path

    tracked = altered(
        "tracked.docx",
        lambda n, b: (
            b.replace(b"<w:t>", b'<w:ins w:id="9" w:author="jsmith"/><w:t>', 1)
            if n == "word/document.xml"
            else b
        ),
    )
    person = altered(
        "person.docx", lambda n, b: b.replace(ORG.encode(), b"jsmith") if n == "docProps/core.xml" else b
    )
    commented = altered("comments.docx", lambda n, b: b)
    problems = {p.name: " ".join(f.problem for f in audit_paths([p])) for p in (tracked, person, commented)}
    assert "w:ins" in problems["tracked.docx"]
    assert "dc:creator is 'jsmith'" in problems["person.docx"]
    assert "forbidden part word/comments.xml" in problems["comments.docx"]


def test_synthetic_letters_say_so_first_in_every_format():
    letter = render_letter(mps_facts(synthetic=True))
    firsts = [
        md_paragraphs(letter.markdown)[0],
        html_paragraphs(letter.html)[0],
        docx_paragraphs(letter.docx)[0],
    ]
    assert all(p.startswith("Synthetic demonstration data: not real police figures.") for p in firsts), firsts
    assert docx.Document(io.BytesIO(letter.docx)).core_properties.title.startswith(
        "Synthetic demonstration data"
    )


def test_the_published_letter_states_no_figure(tmp_path):
    """Every count differs, shown and withheld alike, and the letters are the same byte for byte."""
    first = publish(tmp_path / "a", [offence_table(robbery_2023=9), district_table()]).path
    other_counts = offence_table(robbery_2023=27)
    other_counts = replace(
        other_counts,
        frame=other_counts.frame.with_columns(other_counts.frame["arrests"] + pl.Series([1, 1, 2, 0, 7, 7])),
    )
    second = publish(tmp_path / "b", [other_counts, district_table()]).path
    for name in ("letter.md", "letter.html", "letter.docx"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
