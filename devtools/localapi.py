"""The local HTTP server of ``make run``: Chalice's own, answering like the deployed API Gateway.

In AWS, the template's gateway responses turn "no such route" (API Gateway's 403 "Missing
Authentication Token") into a JSON:API 404. Chalice's local gateway imitates the 403; this handler
gives it the deployed answer, so that local clients see what production clients see.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    ForbiddenError,
    LocalChalice,
    LocalDevServer,
    LocalGatewayException,
)

from chalicelib.errors import MethodNotAllowed, NotFound, error_document
from chalicelib.http import JSONAPI_HEADERS

UNKNOWN_ROUTE = NotFound("No route matches this method and path.")


class GatewayResponsesHandler(ChaliceRequestHandler):
    def _send_error_response(self, error: LocalGatewayException) -> None:
        if isinstance(error, ForbiddenError) and b"Missing Authentication Token" in (error.body or b""):
            self._send_http_response(404, dict(JSONAPI_HEADERS), json.dumps(error_document(UNKNOWN_ROUTE)).encode())
            return
        super()._send_error_response(error)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Python's server answers a method it has no handler for (TRACE, QUERY...) with an HTML 501;
        API Gateway refuses such methods before Lambda: answer with the JSON:API 405 instead."""
        if code != 501:
            super().send_error(code, message, explain)
            return
        refused = MethodNotAllowed(f"{self.command} is not supported")
        self._send_http_response(405, dict(JSONAPI_HEADERS), json.dumps(error_document(refused)).encode())


def local_server(app: Any, project_dir: Path, host: str, port: int) -> LocalDevServer:
    """Chalice's local server for ``app`` (stage ``dev``), with the deployed gateway responses."""
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(project_dir=str(project_dir)).create_config_obj(chalice_stage_name="dev")
    if not isinstance(app, LocalChalice):
        # What chalice.local.create_local_server does (a thread-local current_request for the
        # threaded server), done once per app object so that a second server can be made.
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=GatewayResponsesHandler)
