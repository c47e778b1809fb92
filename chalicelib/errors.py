"""Every error the API can answer with, as one hierarchy.

    AppError                      500  something we did not expect (never for client input)
    ├── BadRequest                400  malformed JSON, a bad query parameter, an inconsistent body
    ├── Unauthorized              401  no token, a malformed or an expired one
    ├── Forbidden                 403  authenticated, but not allowed
    ├── NotFound                  404  unknown route or object, or one the caller may not see
    ├── MethodNotAllowed          405  the route exists, the method does not
    ├── NotAcceptable             406  the Accept header excludes JSON:API
    ├── Conflict                  409  a duplicate, or a resource type that does not match
    ├── PayloadTooLarge           413  a body larger than API Gateway's 10 MB (the local server)
    ├── URITooLong                414  a request line longer than the server reads (the local server)
    ├── UnsupportedMediaType      415  a write that is not application/vnd.api+json
    ├── ValidationError           422  a well-formed document with a bad value
    ├── TooManyRequests           429  too many failed logins; ``Retry-After`` says when to try again
    ├── HeaderFieldsTooLarge      431  a header line too long, or too many (the local server)
    ├── BadGateway                502  an upstream service (Stripe) answered nonsense
    └── ServiceUnavailable        503  a dependency (queue, database) is down; try again later

Handlers raise these; ``chalicelib.http.api_errors`` turns them into JSON:API error documents.
Low-level failures (botocore, pg8000, Stripe) are translated where they are called.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    """An error with an HTTP status and a JSON:API error object."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal server error"

    def __init__(self, detail: str | None = None, *, pointer: str | None = None, parameter: str | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.pointer = pointer
        self.parameter = parameter

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the document."""
        return {}

    def to_error_object(self) -> dict[str, Any]:
        error: dict[str, Any] = {"status": str(self.status), "title": self.title, "detail": self.detail}
        if self.pointer is not None:
            error["source"] = {"pointer": self.pointer}
        elif self.parameter is not None:
            error["source"] = {"parameter": self.parameter}
        return error


class BadRequest(AppError):
    """The request cannot be read: malformed JSON, a bad query parameter, an id mismatch."""

    status = 400
    title = "Bad request"


class Unauthorized(AppError):
    """Authentication is missing, malformed or expired."""

    status = 401
    title = "Unauthorized"


class Forbidden(AppError):
    """The caller is known but not allowed to do this."""

    status = 403
    title = "Access forbidden"


class NotFound(AppError):
    """No such route or object (or one the caller may not see)."""

    status = 404
    title = "Not found"


class MethodNotAllowed(AppError):
    """The route exists but not with this method."""

    status = 405
    title = "Method not allowed"


class NotAcceptable(AppError):
    """The client does not accept JSON:API."""

    status = 406
    title = "Not acceptable"


class Conflict(AppError):
    """The request conflicts with the current state or with the resource type."""

    status = 409
    title = "Conflict"


class PayloadTooLarge(AppError):
    """The body is larger than the API accepts."""

    status = 413
    title = "Request entity too large"


class URITooLong(AppError):
    """The request line is longer than the server reads."""

    status = 414
    title = "URI too long"


class UnsupportedMediaType(AppError):
    """The body is not in a media type this route reads."""

    status = 415
    title = "Unsupported media type"


class ValidationError(AppError):
    """A value in a well-formed document is not acceptable."""

    status = 422
    title = "Unprocessable entity"


class TooManyRequests(AppError):
    """Too many attempts (failed logins) in a short time; ``Retry-After`` says when to try again."""

    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class HeaderFieldsTooLarge(AppError):
    """A header line is too long, or there are too many."""

    status = 431
    title = "Request header fields too large"


class BadGateway(AppError):
    """An upstream service answered something we cannot use."""

    status = 502
    title = "Bad gateway"


class ServiceUnavailable(AppError):
    """A dependency is unavailable; the request may be retried later (``Retry-After`` says when)."""

    status = 503
    title = "Service unavailable"
    retry_after_seconds: ClassVar[int] = 5

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


JSONAPI_VERSION = {"version": "1.0"}


def error_document(*errors: AppError) -> dict[str, Any]:
    return {"errors": [error.to_error_object() for error in errors], "jsonapi": JSONAPI_VERSION}
