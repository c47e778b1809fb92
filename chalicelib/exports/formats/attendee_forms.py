"""The event's attendee-form fields as columns of the attendees export, as Open Event writes them
(its ``csv_jobs_util.get_attendee_data`` at its newest commit).

Each included field of the event's attendee form, in the form's order (``position``), is a column
named as the form names it. A complex field's value is the holder's answer in
``complex_field_values`` under the field's snake-case identifier; another field's value is the
holder's column of that name (booleans as ``Yes``/``No``, lists as their JSON), or empty when the
holder has no such column, as OES's ``getattr(..., '')``. Every value is text, whatever the field
claims to be: an answer of another type than its field's still makes a valid file. The first and
last names and the email are already columns of the table and are not repeated.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Boolean, ColumnElement, String, case, cast, null, select
from sqlalchemy.orm import Session

from chalicelib.exports.formats.table import Column
from chalicelib.models import CustomForm, TicketHolder

ALREADY_COLUMNS = frozenset(("firstname", "lastname", "email"))


def to_snake_case(identifier: str) -> str:
    """OES's ``to_snake_case``: the name of a field's holder column (``jobTitle`` -> ``job_title``)."""
    return re.sub("([A-Z]+)", r"_\1", identifier.replace("-", "_")).lower()


def _holder_value(key: str) -> ColumnElement[Any]:
    column = TicketHolder.__table__.c.get(key)
    if column is None:
        return null()
    if isinstance(column.type, Boolean):
        return case((column, "Yes"), (~column, "No"))
    return cast(column, String)  # a JSON list as its JSON


def form_columns(session: Session, event_id: int | None) -> list[tuple[Column, Any]]:
    """The columns the event's attendee form adds, with each holder's value."""
    fields = session.execute(
        select(CustomForm.field_identifier, CustomForm.name, CustomForm.is_complex)
        .where(CustomForm.event_id == event_id, CustomForm.form == "attendee", CustomForm.is_included.is_(True))
        .order_by(CustomForm.position, CustomForm.id)
    ).all()
    columns: list[tuple[Column, Any]] = []
    for identifier, name, is_complex in fields:
        key = to_snake_case(identifier)
        if key in ALREADY_COLUMNS:
            continue
        value = TicketHolder.complex_field_values[key].as_string() if is_complex else _holder_value(key)
        columns.append((Column(name), value))
    return columns
