"""Which orders an export of orders or attendees covers: the ``status`` and ``bom`` query options,
and the live orders of the chosen statuses ("deleted" never leaves, whatever the options say)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.errors import BadRequest
from chalicelib.exports.formats.base import Options
from chalicelib.models import ORDER_STATUSES, Order

EXPORTABLE_ORDER_STATUSES = tuple(status for status in ORDER_STATUSES if status != "deleted")


def boolean(query: Mapping[str, str], name: str, default: bool) -> bool:
    raw = query.get(name)
    if raw is None:
        return default
    if raw.lower() in {"true", "1"}:
        return True
    if raw.lower() in {"false", "0"}:
        return False
    raise BadRequest(f"{name} must be true or false", parameter=name)


def orders_options(query: Mapping[str, str]) -> dict[str, Any]:
    """``status`` (comma list, default all but deleted) and ``bom`` (default true: Excel needs it)."""
    statuses = list(EXPORTABLE_ORDER_STATUSES)
    if query.get("status") is not None:
        statuses = [part.strip(" ") for part in query["status"].split(",")]  # spaces, as openapi.yaml says
        unknown = [status for status in statuses if status not in EXPORTABLE_ORDER_STATUSES]
        if unknown:  # an empty item ("completed,,placed") too
            allowed = ", ".join(EXPORTABLE_ORDER_STATUSES)
            raise BadRequest(f"status must be a comma-separated list of: {allowed}", parameter="status")
    return {"statuses": sorted(set(statuses)), "bom": boolean(query, "bom", True)}


def exported_statuses(options: Options) -> list[str]:
    return [status for status in options.get("statuses", EXPORTABLE_ORDER_STATUSES) if status != "deleted"]


def live_orders(event_id: int | None, statuses: Sequence[str]) -> Any:
    return (Order.event_id == event_id, Order.deleted_at.is_(None), Order.status.in_(statuses))
