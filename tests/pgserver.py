"""A real, throw-away PostgreSQL server for the store tests (Debian's ``postgresql`` package).

:func:`start_server` runs ``initdb`` and ``pg_ctl`` from the installed server into
a temporary folder, listening on a free loopback port with trust authentication,
and returns its URL and a function that stops it and removes the folder. As root
(CI containers) the server runs as the ``postgres`` system user, since PostgreSQL
refuses to run as root. When no server binaries are installed it returns
``None`` and the tests that need it skip with the install command.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

INSTALL_HINT = "PostgreSQL server not installed; run: apt-get install postgresql"


def server_binaries() -> Path | None:
    """The bin folder of the newest installed PostgreSQL server, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[str, Callable[[], None]] | None:
    """Start a server; (URL of its ``postgres`` database, stop function), or ``None`` when not installed."""
    bin_dir = server_binaries()
    if bin_dir is None:
        return None
    root = Path(tempfile.mkdtemp(prefix="storydiff-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL will not run as root; hand the folder to the postgres system user
        subprocess.run(["chown", "-R", "postgres:postgres", str(root)], check=True)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")

    def stop() -> None:
        try:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)

    return f"postgresql://postgres@127.0.0.1:{port}/postgres", stop


def fresh_database(server_url: str) -> str:
    """Create an empty database on the server and return its URL (one per test, so tests never share state)."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name
