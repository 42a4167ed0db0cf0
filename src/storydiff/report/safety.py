"""Untrusted text made safe for each output: terminal, display formats, JSON.

Article text and metadata come from web pages. Some characters must not reach
a reader as they are: C0 controls other than tab and newline (ESC starts the
sequences that recolour, retitle or clear a terminal), DEL, C1 controls
(U+009B is a one-character CSI on some terminals) and the bidirectional
overrides that make displayed text differ from its characters. Display formats
show each as U+FFFD, one character for one, so offsets stay valid
(:func:`visible`, :func:`terminal_text`); JSON keeps them exactly, escaped
(:func:`without_raw_controls`).
"""

from __future__ import annotations

import re

__all__ = ["terminal_text", "visible", "without_raw_controls"]

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# For the terminal also the invisible direction marks (U+061C, U+200E, U+200F) and
# the line and paragraph separators (U+2028, U+2029), which terminals may break lines at.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def visible(text: str) -> str:
    """``text`` with controls and bidirectional overrides shown as U+FFFD, one character for one."""
    return _UNSAFE.sub("\ufffd", text)


def terminal_text(text: str, *, markup: bool = False) -> str:
    """``text`` made safe to print to a terminal: every terminal printer passes text through here.

    Control characters (C0 but tab and newline, DEL, C1) and bidirectional
    marks and overrides become U+FFFD, one character for one: ESC can no
    longer start a sequence that retitles, clears or recolours the terminal,
    and U+202E can no longer show words in another order than they are
    written. With ``markup=True`` rich markup is escaped too, for a string
    that rich will read as markup (a ``str`` given to ``Console.print``, a
    progress description): a title holding ``[/bold]`` then prints as written.
    """
    safe = _TERMINAL_UNSAFE.sub("\ufffd", text)
    if not markup:
        return safe
    from rich.markup import escape as escape_markup  # rich only for what rich reads: not in the web app

    return escape_markup(safe)


def without_raw_controls(json_text: str) -> str:
    """JSON text with DEL, C1 controls and bidi overrides written as ``\\uXXXX`` escapes.

    ``json.dumps`` escapes C0 controls but not those; escaping them too keeps
    the JSON exact and safe to print to a terminal. They can only occur inside
    strings, where a ``\\u`` escape means the same.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
