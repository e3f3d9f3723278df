"""The draft response letter (``letter.md``) for a request, for the FOI officer to check and send.

It follows the shape of real police responses (REQUEST / RESPONSE, the s.17 refusal notice, "read the data with
the notes page", COMPLAINT RIGHTS) and checklist items 56-57. It explains suppression only in general terms:
it never says which cells were small, and it holds no figures at all, so it cannot leak one.
"""

from __future__ import annotations

from flows.publish.context import SYNTHETIC_BANNER, ReleaseContext

#: Short standard reasons, used when the caller gives none. The officer may expand them in the draft.
STANDARD_REASONS = {
    "s.12": "the cost of finding and extracting the information would exceed the appropriate limit",
    "s.21": "the information is reasonably accessible to you by other means",
    "s.23(5)": "confirming or denying would reveal whether information concerns the security bodies",
    "s.24(2)": "neither confirming nor denying is required to safeguard national security",
    "s.30(1)": "releasing further detail could prejudice investigations that are still open",
    "s.30(3)": "confirming or denying could prejudice investigations",
    "s.31(1)": "releasing further detail would be likely to prejudice the prevention or detection of crime",
    "s.31(3)": "confirming or denying would be likely to prejudice law enforcement",
    "s.40(2)": "a more detailed breakdown would make it likely that individuals could be identified, which would "
               "breach the data protection principles",
    "s.40(5)": "confirming or denying would itself disclose personal data",
}


def complaint_rights(context: ReleaseContext) -> str:
    return (f"If you are dissatisfied with this response you may ask for an internal review by writing to "
            f"{context.contact}, {context.organisation}, within 40 working days of this response. If you are "
            "still dissatisfied after the internal review you may complain to the Information Commissioner's "
            "Office (ico.org.uk/make-a-complaint).")


def reason_for(section: str, given: str) -> str:
    if given:
        return given
    base = section.split(")")[0] + ")" if "(" in section else section
    return STANDARD_REASONS.get(section) or STANDARD_REASONS.get(base, "see the reasons set out above")


def render_letter(context: ReleaseContext, release_id: str, attachments: list[str]) -> str:
    """Markdown text of the draft letter; the caller only writes it when ``context.request`` is set."""
    req = context.request
    if req is None:
        raise ValueError("render_letter needs context.request")
    out: list[str] = []
    if context.synthetic:
        out += [f"{SYNTHETIC_BANNER}. This is a demonstration draft, not a real response.", ""]
    out += [f"# Freedom of Information request {context.reference}", "",
            f"{context.organisation}  ", f"{context.contact}  ",
            f"Date: {context.date_responded:%d %B %Y}", "",
            "Dear Requester,", "", "## Your request", "",
            f"We received your request on {req.date_received:%d %B %Y}"
            + (f"; a response is due by {req.date_due:%d %B %Y}." if req.date_due else ".") + " You asked:", ""]
    out += [f"> {line}" if line.strip() else ">" for line in req.request_text.strip().splitlines()]
    out += ["", "## Our response", "", f"Outcome: {req.outcome}.", ""]
    out += [f"{n}. {part}" for n, part in enumerate(req.response_parts, start=1)] or ["The figures are attached."]
    if req.interpretations:
        out += ["", "## How we read your request", ""] + [f"- {text}" for text in req.interpretations]
    if context.notes:
        out += ["", "## How the figures were counted", ""] + [f"- {note}" for note in context.notes]
    out += ["", "## Figures we have withheld", ""]
    out += req.withheld or [
        f"To protect the people these figures count, counts from 1 to {context.threshold - 1} are not "
        "published and are shown as [c] (confidential)."]
    out += ["", "We do not say which figures were withheld for which reason, because that would itself reveal them."]
    if req.exemptions:
        out += ["", "## Exemptions", "",
                "This response serves as a refusal notice under section 17 of the Freedom of Information Act 2000 "
                "for the information withheld. We rely on:", ""]
        out += [f"- {e.section}: {reason_for(e.section, e.reason)}." for e in req.exemptions]
    if req.ncnd:
        out += ["", f"We can neither confirm nor deny whether we hold any other information relevant to this "
                f"request, by virtue of {', '.join(req.ncnd_sections)}. No inference can be drawn from this as to "
                "whether other information is or is not held."]
    out += ["", "## Reading the data", "",
            "Please read the figures with the Notes sheet of the attached spreadsheet, which sets out the counting "
            "rules and definitions needed to interpret them correctly.", "", "Attached files:", ""]
    out += [f"- {name}" for name in attachments]
    out += ["", f"Release {release_id}. You may re-use the figures under the Open Government Licence v3.0.",
            "", "## Complaint rights", "", complaint_rights(context), "",
            "Yours sincerely,", "", context.contact, context.organisation, ""]
    return "\n".join(out)
