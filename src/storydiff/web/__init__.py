"""The web app: ``storydiff serve``.

Browse a corpus (stories, each story's reports side by side with its conflicts,
who said what and its timeline), compare pasted texts, files or URLs without
touching the corpus, and use the same data as JSON under ``/api``::

    from storydiff.web import serve
    serve("news.db")                       # http://127.0.0.1:8000

    from storydiff.web import WebSettings, create_app
    app = create_app(WebSettings(db="news.db"))   # an ASGI app, for any ASGI server

Modules::

    app.py         create_app, serve; security headers, error shape, request guard
    api.py         the JSON API under /api
    views.py       the HTML pages
    service.py     what both do over the library: read the corpus, search, compare, ingest
                   (a report's page body comes from storydiff.report: view.py, templates/_report.html)
    safefetch.py   fetching user-given URLs: public addresses only, every hop checked
    addresses.py   AddressPolicy: which addresses those may reach (no HTTP client loaded)
    settings.py    WebSettings and the bind check
"""

from storydiff.web.addresses import AddressPolicy
from storydiff.web.app import create_app, serve
from storydiff.web.settings import WebSettings

__all__ = ["AddressPolicy", "WebSettings", "create_app", "serve"]
