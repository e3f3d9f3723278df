"""Reading a letter back as plain text, the same way for all three formats, without the renderer's code:
Markdown by stripping its syntax, HTML with the standard library's parser, DOCX with python-docx."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import docx

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "br", "title"}


def md_paragraphs(markdown: str) -> list[str]:
    """Paragraphs of letter.md: blocks between blank lines, list items apart, Markdown syntax removed."""
    out = []
    for block in re.split(r"\n\s*\n", markdown):
        for item in re.split(r"\n(?=- )", block):
            lines = [re.sub(r"^(#+ |> ?|- )", "", line).removesuffix("\\") for line in item.splitlines()]
            text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", " ".join(lines))
            if text.strip():
                out.append(flat(text))
    return out


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.paragraphs, self.current, self.in_body = [], [], False

    def handle_starttag(self, tag, attrs):
        self.in_body |= tag == "body"
        if tag in BLOCKS:
            self._end()

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._end()

    def handle_data(self, data):
        if self.in_body:
            self.current.append(data)

    def _end(self):
        text = flat("".join(self.current))
        if text:
            self.paragraphs.append(text)
        self.current = []


def html_paragraphs(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.paragraphs


def docx_paragraphs(data: bytes) -> list[str]:
    return [flat(p.text) for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def flat(text: str) -> str:
    return " ".join(text.split())


def sentences(paragraphs: list[str]) -> list[str]:
    """Sentences proper: ending in . ! or ?, five words or more (headings and list labels are not sentences)."""
    found = []
    for paragraph in paragraphs:
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            if re.search(r"[.!?]$", sentence) and len(sentence.split()) >= 5:
                found.append(sentence.lower())
    return found


def repeated(paragraphs: list[str]) -> list[str]:
    seen, twice = set(), []
    for sentence in sentences(paragraphs):
        if sentence in seen:
            twice.append(sentence)
        seen.add(sentence)
    return twice
