"""A local fake of Stripe Connect's OAuth endpoints: a real HTTP server on 127.0.0.1, in a thread.

Each test scripts the replies per path (status, body, delay); unscripted calls get Stripe's
success answer. Every request is recorded, so tests can check what our client sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TOKEN = "/oauth/token"
DEAUTHORIZE = "/oauth/deauthorize"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Recorded:
    path: str
    form: dict[str, str]
    headers: dict[str, str]


def token_reply(account: str = "acct_1OrganizerA", *, suffix: str = "A") -> Reply:
    """Stripe's answer to a good code, with tokens distinctive enough to search a table dump for."""
    return Reply(
        body={
            "token_type": "bearer",
            "stripe_publishable_key": f"pk_test_publishable{suffix}",
            "scope": "read_write",
            "livemode": False,
            "stripe_user_id": account,
            "refresh_token": f"rt_test_refresh{suffix}SECRET",
            "access_token": f"sk_test_access{suffix}SECRET",
        }
    )


def oauth_error(error: str, description: str, status: int = 400) -> Reply:
    return Reply(status=status, body={"error": error, "error_description": description})


NOT_CONNECTED = oauth_error(
    "invalid_client",
    "This application is not connected to stripe account acct_1OrganizerA, or that account does not exist.",
    status=401,
)


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._replies: dict[str, deque[Reply]] = defaultdict(deque)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        self._replies[path].extend(replies)

    def calls(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]

    def __enter__(self) -> FakeStripe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_reply(self, path: str) -> Reply:
        if self._replies[path]:
            return self._replies[path].popleft()
        if path == TOKEN:
            return token_reply()
        if path == DEAUTHORIZE:
            return Reply(body={"stripe_user_id": "acct_1OrganizerA"})
        return Reply(status=404, body={"error": "not_found"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                fake.requests.append(Recorded(self.path, form, {k.lower(): v for k, v in self.headers.items()}))
                reply = fake._next_reply(self.path)
                time.sleep(reply.delay)
                body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                content_type = "text/html" if isinstance(reply.body, str) else "application/json"
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body.encode())))
                    self.end_headers()
                    self.wfile.write(body.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
