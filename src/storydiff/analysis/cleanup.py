"""Text cleanup before analysis, without moving a single character.

Real reports carry page furniture: "More from News", "Related Stories", photo
credits glued to the end of a caption ("...said Friday.Getty"). Cleanup blanks
such spans with spaces instead of deleting them, so the cleaned text has exactly
the length of the original and every offset found in it is an offset into the
article's own text. Line breaks are kept: the parser starts a new sentence at
each one, which turns headlines and captions without a full stop into sentences
of their own.
"""

from __future__ import annotations

import re

__all__ = ["BOILERPLATE", "blank_spans", "clean_text", "junk_spans"]

# Whole lines that are page furniture, not reporting. Matched case-insensitively
# against the stripped line; written from the furniture of common news sites.
BOILERPLATE = re.compile(
    r"""^(?:
        (?:more|latest|top)\s+(?:from|in|on)\s+[\w &'-]{1,40}
      | related(?:\s+(?:stories|articles|coverage|content|news|topics|links|reading))?:?
      | read\s+(?:more|next|also)(?:\s*[:>].*)?
      | (?:see|watch)\s+also:?.*
      | advertisement | sponsored(?:\s+content)? | ad
      | (?:share|email|print|tweet|comment)(?:\s+(?:this|on|via)\b.*)?
      | share\s+this\s+(?:article|story)
      | (?:sign\s+up|subscribe)\b.{0,120}
      | follow\s+us\b.{0,80}
      | click\s+here\b.{0,120}
      | this\s+(?:story|article|page)\s+(?:is\s+being|has\s+been|will\s+be)\s+updated\.?
      | (?:copyright|\(c\)|©).{0,120}
      | all\s+rights\s+reserved\.?
      | (?:photo|image|picture|video|credit|source)s?\s*:.{0,80}
      | (?:getty\s+images|ap\s+photo|reuters|afp|shutterstock|alamy|epa)(?:\s*/\s*[\w .]+)?
      | skip\s+to\s+(?:main\s+)?content | back\s+to\s+top | cookies?\b.{0,100}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# A credit glued to the end of a caption line: a full stop directly followed by
# a capitalised name and nothing else ("...said Friday.Getty", "...on fire.AP Photo").
GLUED_CREDIT = re.compile(
    r"(?<=[a-z0-9)\]\"”’])\.((?:[A-Z][A-Za-z]*)(?:\s+(?:Images|Photo|Photos|Pictures|Press))?"
    r"(?:\s*/\s*[A-Z][\w ]{0,30})?)[ \t]*$",
    re.MULTILINE,
)

# "(Photo by Jane Doe/Getty Images)" or "[AP Photo/John Smith]" anywhere in a line.
INLINE_CREDIT = re.compile(r"[(\[](?:photo|image|picture)s?\s*(?:by|:)[^)\]\n]{1,80}[)\]]", re.IGNORECASE)


def junk_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of ``text`` that are page furniture."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and BOILERPLATE.match(stripped):
            left = pos + (len(line) - len(line.lstrip()))
            spans.append((left, left + len(stripped)))
        pos += len(line) + 1
    for match in GLUED_CREDIT.finditer(text):
        spans.append((match.start(1), match.end(1)))
    for match in INLINE_CREDIT.finditer(text):
        spans.append(match.span())
    return sorted(spans)


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace every character inside ``spans`` by a space, keeping line breaks."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def clean_text(text: str) -> str:
    """Return ``text`` with page furniture blanked; same length, same offsets."""
    return blank_spans(text, junk_spans(text))
