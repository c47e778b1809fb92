"""The local HTTP server of ``make run``: Chalice's own, answering like the deployed API Gateway.

In AWS, API Gateway answers what never reaches Lambda (an unknown route, with or without an
``Authorization`` header; a method it does not route; a malformed request), and the template's
gateway responses make those answers JSON:API documents with CORS headers. Chalice's local server
answers them its own way (a 403 that echoes the caller's token, HTML 400/414/501 pages that log
the request line, a body parsed as the next request). This handler answers as the deployment does:

- an unknown route is the JSON:API 404 and never echoes a header; its preflight (OPTIONS) is
  granted, so that a browser then reads that 404 instead of reporting a CORS failure;
- an unknown method is a JSON:API 405 with ``Allow``; a request the server cannot read is a
  JSON:API 400 (414 for a request line over 64 KB, 431 for oversized headers);
- after any error the connection is closed, so nothing left of a request is read as the next one;
- the log names the method, the path without its query string and the status, never a body,
  a query string or a header.

The server is threaded with a listen backlog that absorbs a burst of simultaneous connections, at
most ``MAX_THREADS`` connections served at once (the next ones wait in the backlog), and a read
timeout, so that slow or silent clients cannot hold the threads: a connection that sends nothing for
``READ_TIMEOUT_SECONDS`` is closed. Two different ``Content-Length`` headers are a 400, as at a
gateway (RFC 9112 §6.3: the body's end would be a guess, the start of request smuggling).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chalice.local import ChaliceRequestHandler, CustomLocalChalice, LocalChalice, LocalDevServer, RouteMatcher
from chalice.local import ThreadedHTTPServer as ChaliceThreadedServer

from chalicelib.errors import (
    AppError,
    BadRequest,
    HeaderFieldsTooLarge,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    URITooLong,
    error_document,
)
from chalicelib.http import CORS, JSONAPI_HEADERS

log = logging.getLogger(__name__)

UNKNOWN_ROUTE = NotFound("No route matches this method and path.")
# What Python's server reports, as the errors the deployed API answers; never its message, which
# quotes the request line.
_PROTOCOL_ERRORS: Mapping[int, AppError] = {
    414: URITooLong("The request line is longer than 65,536 bytes."),
    431: HeaderFieldsTooLarge("A header line is too long, or there are too many headers."),
}
_UNREADABLE = BadRequest("The request cannot be read as HTTP/1.1.")
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's limit (its REQUEST_TOO_LARGE answer)
# A local browser or test client sends a request at once; this is generous for them and short for
# a client that trickles (or never finishes) its request. Idle keep-alive connections close too.
READ_TIMEOUT_SECONDS = 5.0
# Two dozen threads are plenty for a browser (six connections per origin) and the frontend tests.
MAX_THREADS = 24


class BurstTolerantServer(ChaliceThreadedServer):
    """One thread per connection, at most ``MAX_THREADS`` at once; a backlog of 128 instead of 5, so
    that a burst of 50 clients connecting at once waits in the kernel's queue instead of seeing its
    SYNs dropped, and so do the connections beyond the bound until a thread is free."""

    request_queue_size = 128

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._free_threads = threading.BoundedSemaphore(MAX_THREADS)
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        self._free_threads.acquire()  # accepting waits here while every thread is busy
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._free_threads.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._free_threads.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that left before its answer is a line in the log, not a traceback on stderr."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.info("connection from %s lost before the answer was sent", client_address[0])
        else:
            super().handle_error(request, client_address)


class GatewayResponsesHandler(ChaliceRequestHandler):
    # Headers and body leave as they are written: without this, Nagle's algorithm and the client's
    # delayed ACK hold every keep-alive answer back by 40 ms.
    disable_nagle_algorithm = True
    timeout = READ_TIMEOUT_SECONDS  # on every read of the socket (socketserver.StreamRequestHandler)

    def __init__(self, request: Any, client_address: Any, server: Any, app_object: Any, config: Any) -> None:
        self.routes = RouteMatcher(list(app_object.routes))  # before the parent handles the connection
        self.route_methods: Mapping[str, Any] = app_object.routes
        self.all_methods = ",".join(
            sorted({"OPTIONS", *(m for methods in app_object.routes.values() for m in methods)})
        )
        super().__init__(request, client_address, server, app_object, config)

    def _generic_handle(self) -> None:
        if "transfer-encoding" in self.headers:
            # API Gateway buffers bodies; a chunked one is not read here, so refuse it and close.
            self._send_error_document(BadRequest("Send the body with Content-Length, not Transfer-Encoding."))
            return
        lengths = {value.strip() for value in self.headers.get_all("content-length", [])}
        if len(lengths) > 1:
            self._send_error_document(BadRequest("The request has two different Content-Length headers."))
            return
        length = lengths.pop() if lengths else "0"
        if not length.isascii() or not length.isdigit():
            self._send_error_document(BadRequest("Content-Length must be a number of bytes."))
            return
        if int(length) > MAX_BODY_BYTES:
            self._send_error_document(PayloadTooLarge("The request is larger than the API accepts."))
            return
        if self._route() is None:
            if self.command == "OPTIONS":  # the gateway's preflight answer for any path (/{proxy+})
                self._send_http_response(200, {"Access-Control-Allow-Methods": self.all_methods}, None)
            else:
                self._send_error_document(UNKNOWN_ROUTE)
            return
        super()._generic_handle()

    # The parent binds its handler to each method name; bind ours.
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def _route(self) -> str | None:
        try:
            return self.routes.match_route(self.path).route
        except ValueError:
            return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Python's server found the request unreadable, or has no handler for its method (501)."""
        if code != 501:
            self._send_error_document(_PROTOCOL_ERRORS.get(code, _UNREADABLE))
            return
        route = self._route()
        if route is None:
            self._send_error_document(UNKNOWN_ROUTE)
            return
        allowed = ",".join(sorted({*self.route_methods[route], "OPTIONS"}))
        self._send_error_document(MethodNotAllowed(f"{self.command} is not supported"), {"Allow": allowed})

    def _send_error_document(self, error: AppError, headers: Mapping[str, str] | None = None) -> None:
        body = json.dumps(error_document(error)).encode()
        self._send_http_response(error.status, {**JSONAPI_HEADERS, **error.headers(), **(headers or {})}, body)

    def _send_http_response(self, code: int, headers: Any, body: Any) -> None:
        headers = dict(headers)
        for name, value in CORS.get_access_control_headers().items():
            headers.setdefault(name, value)
        if code >= 400:
            headers["Connection"] = "close"  # whatever is left of this request is never read as the next
        if self.command == "HEAD":
            self._send_head(code, headers, body)
            return
        super()._send_http_response(code, headers, body)

    def _send_head(self, code: int, headers: dict[str, Any], body: Any) -> None:
        """The GET's status and headers without its body (RFC 9110 9.3.2; Chalice's server writes
        the body): the length is the app's ``Content-Length`` (what the GET would send), else the
        body's that is not sent."""
        length = headers.pop("Content-Length", None)
        if length is None:
            length = str(len(body.encode() if isinstance(body, str) else body or b""))
        self.send_response(code)
        self.send_header("Content-Length", length)
        self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        self._send_headers(headers)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        path = urlsplit(self.path).path if getattr(self, "path", "") else "-"
        log.info("%s %s %s", self.command or "-", path, code)

    def log_error(self, format: str, *args: Any) -> None:
        log.info("connection from %s closed: %s", self.client_address[0], format % args if args else format)


def local_server(app: Any, project_dir: Path, host: str, port: int) -> LocalDevServer:
    """Chalice's local server for ``app`` (stage ``dev``), with the deployed gateway responses."""
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(project_dir=str(project_dir)).create_config_obj(chalice_stage_name="dev")
    if not isinstance(app, LocalChalice):
        # What chalice.local.create_local_server does (a thread-local current_request for the
        # threaded server), done once per app object so that a second server can be made.
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=GatewayResponsesHandler, server_cls=BurstTolerantServer)
