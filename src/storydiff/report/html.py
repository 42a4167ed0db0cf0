"""The report as HTML: the web page's template, here as one standalone file.

The web page of a story or a comparison and the file :func:`render_html`
writes (``storydiff report --format html``, the page's download link) render
the same template, ``templates/_report.html``, from the same
:class:`~storydiff.report.view.ReportView`, so the two cannot drift. The file
wraps it in ``templates/report.html`` with the page's stylesheet
(``static/report.css``) inlined, allowed by its hash in a strict
Content-Security-Policy: no script, nothing fetched, nothing linked elsewhere.
Without the page's script a finding still links to its first statement, and
each highlight back to its findings.

:func:`template_environment` is the one Jinja environment both use:
autoescaping for everything (article text and metadata come from untrusted
pages), and every string shown with its control characters as U+FFFD, as the
terminal and Markdown views show them.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from storydiff.records import Report
from storydiff.report.safety import visible
from storydiff.report.text import plural
from storydiff.report.view import report_view

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_html", "report_css", "template_environment"]


def _shown(value: Any) -> Any:
    """What a template prints for ``value``: text with controls as U+FFFD; built HTML (Markup) as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def template_environment(*loaders: jinja2.BaseLoader) -> jinja2.Environment:
    """A Jinja environment that finds the report templates after ``loaders``' own.

    The web app passes its page templates, which include ``_report.html``.
    Jinja2 is imported here, on first use: the web app starts without it.
    """
    import jinja2

    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, jinja2.PackageLoader("storydiff.report", "templates")]),
        autoescape=True,  # every template is HTML; article text and metadata come from untrusted pages
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_shown,
    )


@cache
def _environment() -> jinja2.Environment:
    env = template_environment()
    env.filters["plural"] = plural
    return env


@cache
def report_css() -> str:
    """The stylesheet of a report: served as ``/static/report.css`` and inlined in the standalone file."""
    css = resources.files("storydiff.report").joinpath("static/report.css").read_text(encoding="utf-8")
    if "</" in css:
        raise ValueError("report.css must not contain '</': it would end the inline <style> element")
    return css


def render_html(report: Report) -> str:
    """Render ``report`` as one self-contained HTML page, from the web page's template.

    The stylesheet is inline, allowed by its hash in a strict
    Content-Security-Policy; no script and no external resource. Every piece of
    article text and metadata is escaped. The articles' texts sit side by side
    (stacked on narrow screens), each statement highlighted with
    ``<mark class="conflict|agreement|unique|update" id="<article>-<start>-<end>">``,
    linked from its finding and back. A story report adds its updates, shows one
    text per independent origin (naming the outlets that carried copies) and
    lists every piece of evidence by date.
    """
    css = report_css()
    style_hash = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    csp = (
        f"default-src 'none'; style-src 'sha256-{style_hash}'; img-src 'none'; script-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    page = (
        _environment()
        .get_template("report.html")
        .render(
            view=report_view(report),
            standalone=True,
            css=Markup(css),  # a constant of the package, checked by report_css: no escaping in <style>
            csp=Markup(csp),  # built from constants and a base64 hash: nothing in it to escape
            title=f"storydiff report: {plural(len(report.articles), 'article')}",
        )
    )
    return page if page.endswith("\n") else page + "\n"
