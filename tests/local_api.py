"""The app behind ``make run``'s HTTP server (``devtools.localapi``) on a free port, for tests that
need real HTTP: the local server's own tests and the schema-driven fuzz."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from app import app
from devtools.localapi import local_server
from tests.conftest import REPO


@contextmanager
def serving() -> Iterator[str]:
    """The server's base URL while the block runs."""
    server = local_server(app, REPO, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server.server_address[1]}"
    finally:
        server.shutdown()
        server.server.server_close()
