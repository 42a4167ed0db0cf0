"""The one registry of output formats: what can be rendered (a kind) in which format.

Every renderer is a function of one subject to text (:class:`Renderer`),
registered under ``(kind, format)``:

==============  =============================================  ====================================
kind            subject                                        formats, registered by
==============  =============================================  ====================================
``report``      a :class:`~storydiff.records.Report`           json, markdown, html, terminal (here)
``stories``     the corpus's story list                        table, markdown, json (corpus/catalog)
``evaluation``  an evaluation result                           table, markdown, json (evaluation/tasks)
==============  =============================================  ====================================

The CLI offers :func:`formats` of a kind as the choices of ``--format``, the
web app and the catalog look renderers up with :func:`renderer`. A module
registers its own kind when imported (:func:`register`), so this module needs
none of them. :func:`render` and :data:`RENDERERS` are the report kind as the
public API has always offered it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol, TypeVar

from storydiff.errors import StorydiffError
from storydiff.records import Report
from storydiff.report.codec import render_json
from storydiff.report.html import render_html
from storydiff.report.markdown import render_markdown

__all__ = ["RENDERERS", "Renderer", "formats", "register", "render", "renderer"]

S_contra = TypeVar("S_contra", contravariant=True)
F = TypeVar("F", bound=Callable[..., str])


class Renderer(Protocol[S_contra]):
    """Writes one subject (a report, a story list, an evaluation result) as text ending in a newline."""

    def __call__(self, subject: S_contra, /) -> str:
        """The subject as text."""
        ...


_REGISTRY: dict[tuple[str, str], Renderer[Any]] = {}


def register(kind: str, fmt: str) -> Callable[[F], F]:
    """Decorator: register the function as the renderer of ``kind`` in format ``fmt``.

    Registering a taken ``(kind, fmt)`` again is a programming error (``ValueError``).
    """

    def add(function: F) -> F:
        if (kind, fmt) in _REGISTRY and _REGISTRY[kind, fmt] is not function:
            raise ValueError(f"a renderer of {kind} as {fmt} is already registered")
        _REGISTRY[kind, fmt] = function
        return function

    return add


def formats(kind: str) -> tuple[str, ...]:
    """The formats ``kind`` can be rendered in, in the order they were registered."""
    return tuple(fmt for k, fmt in _REGISTRY if k == kind)


def renderer(kind: str, fmt: str) -> Renderer[Any]:
    """The renderer of ``kind`` in format ``fmt``.

    Raises :class:`~storydiff.errors.StorydiffError` naming the formats there
    are, for a format that is not one of them.
    """
    try:
        return _REGISTRY[kind, fmt]
    except KeyError:
        raise StorydiffError(
            f"unknown output format {fmt!r}; choose one of: {', '.join(formats(kind))}", stage="render"
        ) from None


class _Kind(Mapping[str, Renderer[Any]]):
    """The renderers of one kind, by format: a read-only view of the registry."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __getitem__(self, fmt: str) -> Renderer[Any]:
        if (self.kind, fmt) not in _REGISTRY:
            raise KeyError(fmt)
        return _REGISTRY[self.kind, fmt]

    def __iter__(self) -> Iterator[str]:
        return iter(formats(self.kind))

    def __len__(self) -> int:
        return len(formats(self.kind))

    def __repr__(self) -> str:
        return f"<renderers of {self.kind}: {', '.join(self)}>"


def render_terminal(report: Report) -> str:
    """The report as :func:`storydiff.report.terminal.render_terminal` writes it, rich imported on first use.

    The web app renders reports but never for a terminal: it starts without rich.
    """
    from storydiff.report.terminal import render_terminal as terminal

    return terminal(report)


for _fmt, _function in (
    ("json", render_json),
    ("markdown", render_markdown),
    ("html", render_html),
    ("terminal", render_terminal),
):
    register("report", _fmt)(_function)

# The report formats by name, as ``storydiff.RENDERERS``.
RENDERERS: Mapping[str, Renderer[Report]] = _Kind("report")


def render(report: Report, fmt: str) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`RENDERERS`: json, markdown, html, terminal)."""
    text: str = renderer("report", fmt)(report)
    return text
