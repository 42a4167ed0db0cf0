"""Writing results out: one JSON codec, the report's views, one registry of output formats.

::

    codec.py     records <-> JSON: stored analyses, and the storydiff.report/2 contract
    safety.py    untrusted text made safe for a terminal, a display, JSON
    text.py      labels, the summary line, topics: worded alike in every view
    terminal.py  the readable report (rich), and as plain text
    markdown.py  the report as Markdown
    view.py      the report laid out for HTML, with its highlighted texts
    html.py      the report template (shared with the web page) as one standalone file
    registry.py  every renderer by (kind, format): render, RENDERERS
"""
