"""What each part of an FOI request got, as the request stage states it and the letter templates read it.

The request stage fills these from the spec; the publish stage renders them through the force's templates.
They carry the officer's own words and the table a part is answered in, never a figure, so nothing a
template does with them can reveal a count.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Response = Literal["data", "not_held", "ncnd", "exempt", "text"]


class PartAnswer(BaseModel):
    """One part of the request and how it is answered; the wording around it lives in data/templates/."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str
    response: Response
    text: str = Field(default="", description="the officer's answer (every kind but data)")
    interpretation: str = Field(
        default="", description="data parts: what the request's words were taken to mean"
    )
    table: str | None = Field(default=None, description="data parts: the name of the table that answers it")
    table_title: str | None = Field(default=None, description="data parts: that table's title")
    held_by: str | None = Field(default=None, description="not held: who holds it")
    held_by_contact: str | None = Field(default=None, description="not held: how to ask them (s.16 advice)")
    exemptions: list[str] = Field(default_factory=list, description="sections this part relies on")

    def summary(self) -> str:
        """One plain sentence for the disclosure log's response summary."""
        lead = f"Part {self.id}: {self.question.rstrip('.?')}."
        if self.response == "data":
            return f"{lead} The figures are in the table '{self.table_title}'." if self.table_title else lead
        return f"{lead} {self.text.strip()}"
