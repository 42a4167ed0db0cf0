"""Byte counts as people read them, and the message for an input over the size limit.

Shared by the fetcher, the file readers and the web app; kept apart from
:mod:`storydiff.inputs.fetch` so that what only needs a size in words does not
load the HTTP client (``storydiff serve`` starts without it, issue 12).
"""

from __future__ import annotations

__all__ = ["format_size", "too_large_message"]


def too_large_message(limit: int, size: int | None = None) -> str:
    """The reason an input over the size limit is refused; ``size`` when it is known before reading."""
    if size is None:
        return f"is larger than the {format_size(limit)} limit; raise it with --max-size"
    return f"is {format_size(size)}, over the {format_size(limit)} limit; raise it with --max-size"


def format_size(size: int) -> str:
    """A byte count as people read it: ``404 bytes``, ``1.5 kB``, ``5.0 MB``."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"
