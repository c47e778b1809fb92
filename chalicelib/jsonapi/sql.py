"""A ``ListQuery`` applied to a SQLAlchemy select: filter, count, order and one page of rows.

Columns come from the resource declaration (``Attribute.field``), never from the query string,
and every filter value is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, not_, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from chalicelib.errors import NotFound
from chalicelib.http import url_id
from chalicelib.jsonapi.filters import Condition, Filter, Negation
from chalicelib.jsonapi.query import ListQuery

_OPERATORS: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
    "eq": lambda column, value: column == value,
    "ne": lambda column, value: column != value,
    "lt": lambda column, value: column < value,
    "le": lambda column, value: column <= value,
    "gt": lambda column, value: column > value,
    "ge": lambda column, value: column >= value,
    "in_": lambda column, value: column.in_(value),
    "notin_": lambda column, value: column.not_in(value),
    "like": lambda column, value: column.like(value),
    "ilike": lambda column, value: column.ilike(value),
    "is_": lambda column, value: column.is_(value),
    "isnot": lambda column, value: column.is_not(value),
}


def where_clause(model: type[Any], node: Filter) -> ColumnElement[bool]:
    if isinstance(node, Condition):
        column: InstrumentedAttribute[Any] = getattr(model, node.attribute.field)
        return _OPERATORS[node.op](column, node.value)
    if isinstance(node, Negation):
        return not_(where_clause(model, node.part))
    parts = [where_clause(model, part) for part in node.parts]
    if node.kind == "or":
        return or_(false(), *parts)
    return and_(true(), *parts)


def fetch_page(session: Session, model: type[Any], query: ListQuery) -> tuple[Sequence[Any], int]:
    """The rows of the requested page and the number of rows matching the filter (``meta.count``)."""
    statement: Select[Any] = select(model)
    if query.filter is not None:
        statement = statement.where(where_clause(model, query.filter))
    count = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    order = [getattr(model, key.attribute.field) for key in query.sort]
    ordering = [
        column.desc() if key.descending else column.asc() for column, key in zip(order, query.sort, strict=True)
    ]
    statement = statement.order_by(*ordering, model.id)  # the id makes every page's order total and stable
    if query.page.size:
        statement = statement.limit(query.page.size).offset((query.page.number - 1) * query.page.size)
    return session.scalars(statement).all(), count


def find(session: Session, model: type[Any], resource_id: str) -> Any:
    """The row with this id from a URL; a missing row, or an id that is not an integer, is ``NotFound``."""
    row_id = url_id(resource_id)
    row = None if row_id is None else session.get(model, row_id)
    if row is None:
        raise NotFound(f"{model.__name__} {resource_id!r} not found")
    return row
