"""Real HTTP servers on loopback for the tests: one way to start, serve and stop them.

:func:`serving` runs a handler class on a free port of ``host`` in a thread and
stops it cleanly (every handler thread joined, so nothing outlives the test);
:func:`refused_url` is an address where nothing listens.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close() joins handler threads: nothing outlives the fixture

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that time out or stop reading leave broken pipes behind


@contextlib.contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler],
    host: str = "127.0.0.1",
    *,
    stop: threading.Event | None = None,
    poll_interval: float = 0.5,
) -> Iterator[str]:
    """Serve ``handler`` on a free port of ``host``; yields the base URL (``http://host:port``).

    ``stop`` is set before shutting down, for handlers that wait on it (slow
    answers). ``shutdown()`` waits up to ``poll_interval`` once. Raises OSError
    when ``host`` cannot be listened on.
    """
    server = QuietServer((host, 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        if stop is not None:
            stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


def refused_url(path: str = "/story") -> str:
    """An address where nothing listens: a port bound, then closed again."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
