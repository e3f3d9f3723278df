"""The response letter, from the force's own Jinja2 templates (data/templates/), as Markdown, HTML and DOCX.

``letter.md.j2`` is rendered once, to Markdown; the HTML page and the Word document are built from that same
Markdown, so the three say exactly the same sentences. Each exemption's paragraphs are one file in
``exemptions/`` (a harm statement and public-interest test for the qualified ones). Every fact reaches a
template Markdown-escaped (the requester's words cannot become a heading, a link or HTML), the HTML page is
rendered with autoescaping, and the Markdown parser passes no raw HTML. Templates run in Jinja's sandbox.

The letter is a draft for the FOI officer to check. It holds no figures (see :mod:`letter_facts`).
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt
from markupsafe import Markup

from flows.config import PROJECT_ROOT
from flows.publish.context import SYNTHETIC_BANNER, SYNTHETIC_TITLE
from flows.publish.letter_docx import DocxProperties, docx_bytes
from flows.publish.letter_facts import Claim, LetterFacts

TEMPLATES_DIR = PROJECT_ROOT / "data" / "templates"
LETTER_NAMES = ("letter.md", "letter.html", "letter.docx")
QUALIFIED_PARAGRAPHS = ("reasons", "harm", "favouring", "against", "balance")


class LetterTemplateError(ValueError):
    """A template cannot be used; the message names the file (and line, where Jinja knows it)."""


@dataclass(frozen=True)
class Letter:
    markdown: str
    html: str
    docx: bytes


@dataclass(frozen=True)
class ClaimView:
    """A claim with the force's citation and paragraphs (the macros of its file in exemptions/)."""

    section: str
    ncnd: bool
    cite: str  # e.g. "Section 40(2)(3A)(a)"
    title: str  # e.g. "Personal Information"
    absolute: bool
    basis: str  # "class" or "prejudice"
    text: Any  # the template module: text.reasons(), text.harm(), ...


def render_letter(facts: LetterFacts, templates_dir: Path | None = None) -> Letter:
    """Facts in, the letter in three formats out."""
    folder = templates_dir or TEMPLATES_DIR
    view = _escaped(facts)
    env = _environment(folder, autoescape=False)
    claims = [_claim_view(env, folder, claim, view) for claim in view.claims]
    markdown = _tidy(
        _render(
            env,
            folder,
            "letter.md.j2",
            facts=view,
            withheld=[c for c in claims if not c.ncnd],
            ncnd=[c for c in claims if c.ncnd],
        )
    )
    if facts.synthetic:  # not the template's choice: demonstration output always says what it is
        markdown = f"{SYNTHETIC_BANNER}. This is a demonstration draft, not a real response.\n\n{markdown}"
    parser = MarkdownIt("commonmark", {"html": False})
    tokens = _quote_lines_kept(parser.parse(markdown))
    title = f"Freedom of Information request {facts.reference}"
    title = f"{SYNTHETIC_TITLE}: {title}" if facts.synthetic else title
    body = Markup(parser.renderer.render(tokens, parser.options, {}))  # safe: the parser passes no raw HTML
    html = _render(
        _environment(folder, autoescape=True), folder, "letter.html.j2", facts=facts, title=title, body=body
    )
    properties = DocxProperties(
        title=title,
        subject=facts.title,
        organisation=facts.organisation,
        identifier=facts.release_id,
        when=facts.date_responded,
    )
    return Letter(markdown, html, docx_bytes(tokens, properties))


def write_letter(folder: Path, facts: LetterFacts, templates_dir: Path | None = None) -> list[str]:
    """Write letter.md, letter.html and letter.docx into ``folder``; return their names."""
    letter = render_letter(facts, templates_dir)
    md, html, docx = LETTER_NAMES
    (folder / md).write_text(letter.markdown, encoding="utf-8")
    (folder / html).write_text(letter.html, encoding="utf-8")
    (folder / docx).write_bytes(letter.docx)
    return list(LETTER_NAMES)


def markdown_escape(text: str) -> str:
    """``text`` as literal Markdown on one line: nothing in it can start a heading, list, quote, link, image,
    emphasis, code span, autolink, entity or HTML. Characters that cannot do any of that where they stand
    (``3056_15``, ``[c]``, ``01.FOI``) are left alone, so letter.md stays readable."""
    text = " ".join(text.split())
    text = re.sub(r"([\\`*]|<(?=[A-Za-z/!?])|\](?=[(\[:]))", r"\\\1", text)
    text = re.sub(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])", r"\\_", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    text = re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", text)  # "1. " would start a numbered list
    return re.sub(r"^(>|[#+-]+(?=\s|$)|=+$)", r"\\\1", text)  # a quote, heading, bullet, rule or underline


def _escaped(value: Any) -> Any:
    """A copy of the facts with every string Markdown-escaped (dates, numbers and booleans as they are)."""
    if isinstance(value, str):
        return markdown_escape(value)
    if isinstance(value, tuple):
        return tuple(_escaped(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _escaped(getattr(value, f.name)) for f in fields(value)})
    return value


def _environment(folder: Path, autoescape: bool) -> ImmutableSandboxedEnvironment:
    from jinja2 import FileSystemLoader

    if not folder.is_dir():
        raise LetterTemplateError(f"{folder}: the letter templates folder does not exist")
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(folder),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = _long_date
    return env


def _long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _claim_view(
    env: ImmutableSandboxedEnvironment, folder: Path, claim: Claim, facts: LetterFacts
) -> ClaimView:
    """Find the most specific exemptions/ file for the claim (s.31(1)(a): s31-1-a, then s31-1) and check it."""
    keys = _keys(claim.section)
    for key in keys:
        name = f"exemptions/{key}.md.j2"
        try:
            template = env.get_template(name)
        except TemplateNotFound:
            continue
        except TemplateError as exc:
            raise _error(exc, folder, name) from None
        try:
            module = template.make_module({"facts": facts, "section": claim.section})
        except TemplateError as exc:
            raise _error(exc, folder, name) from None
        return _checked(module, folder / name, claim, key == keys[0])
    raise LetterTemplateError(
        f"{folder / 'exemptions'}: no paragraphs for {claim.section}: add "
        f"{keys[0]}.md.j2 (see README.md there)"
    )


def _keys(section: str) -> list[str]:
    """'s.31(1)(a)' -> ['s31-1-a', 's31-1', 's31']: the claim first, then what it is a subsection of."""
    parts = [section[2:].split("(")[0], *re.findall(r"\(([^)]*)\)", section)]
    return ["s" + "-".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _checked(module: Any, path: Path, claim: Claim, exact: bool) -> ClaimView:
    values = {name: getattr(module, name, None) for name in ("cite", "title", "absolute", "basis")}
    problems = [
        f"set {name}" for name in ("cite", "title") if not isinstance(values[name], str) or not values[name]
    ]
    if not isinstance(values["absolute"], bool):
        problems.append("set absolute = true or false")
    if values["basis"] not in ("class", "prejudice"):
        problems.append("set basis = 'class' or 'prejudice'")
    needed = ("reasons",) if values["absolute"] else QUALIFIED_PARAGRAPHS
    problems += [f"define the macro {name}()" for name in needed if not callable(getattr(module, name, None))]
    if problems:
        raise LetterTemplateError(f"{path}: " + "; ".join(problems))
    cite = (
        values["cite"] if exact else f"Section {claim.section[2:]}"
    )  # the claim is more specific than the file
    return ClaimView(
        claim.section, claim.ncnd, cite, values["title"], values["absolute"], values["basis"], module
    )


def _render(env: ImmutableSandboxedEnvironment, folder: Path, name: str, **context: Any) -> str:
    try:
        return env.get_template(name).render(**context)
    except TemplateNotFound as exc:
        raise LetterTemplateError(f"{folder / str(exc)}: template not found") from None
    except TemplateError as exc:
        raise _error(exc, folder, name) from None


def _error(exc: TemplateError, folder: Path, name: str) -> LetterTemplateError:
    """Name the template file and line: Jinja puts them in the traceback, not the message."""
    where = getattr(exc, "filename", None) or name
    line = getattr(exc, "lineno", None)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            where, line = frame.filename, frame.lineno
            break
    path = Path(where) if Path(where).is_absolute() else folder / where
    return LetterTemplateError(f"{path}{f', line {line}' if line else ''}: {exc.message or exc}")


def _tidy(markdown: str) -> str:
    """Trailing spaces off, at most one blank line between blocks: template layout never shows."""
    lines = [line.rstrip() for line in markdown.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _quote_lines_kept(tokens: list) -> list:
    """The request is quoted line by line as asked: inside a quote, a line break stays a line break."""
    depth = 0
    for token in tokens:
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if depth and token.type == "inline":
            for child in token.children or []:
                if child.type == "softbreak":
                    child.type, child.tag = "hardbreak", "br"
    return tokens
