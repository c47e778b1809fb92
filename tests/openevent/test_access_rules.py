"""Who may export in Open Event mode, as OES decides it (``app/api/exports.py``).

Every event export route of OES is ``@to_event_id @is_coorganizer``: ``user.is_staff`` (admin or
super admin) or ``user.has_event_access(event_id)``, which holds for the event's owner, organizers and
co-organizers, whether their role is on the event (``users_events_roles``) or on its group through an
accepted invitation (``users_groups_roles``). The sales report is ``@is_admin``: admins and super
admins. A track organizer, moderator or registrar may not export; a soft-deleted user's token
names nobody (OES's ``jwt_user_loader`` skips deleted users): 401. OES refuses a blocked user at
login only; a token issued before the block is refused here too (i18-core's choice, the safe side): 401.
"""

from __future__ import annotations

from typing import Any

import pytest

from devtools.openevent_seed import MAY_EXPORT, MAY_NOT_EXPORT
from tests.functional.export_helpers import post_export, start_export
from tests.openevent.conftest import OpenEventDatabase

pytestmark = pytest.mark.openevent

REFUSED = {person: 403 for person in MAY_NOT_EXPORT} | {"deleted_organizer": 401, "blocked_organizer": 401}
SITE_ADMINS = ("admin", "super_admin")


@pytest.mark.parametrize("person", MAY_EXPORT)
def test_event_staff_and_admins_may_export(
    client: Any, as_open_event: OpenEventDatabase, tokens: dict[str, str], person: str
) -> None:
    answer = start_export(client, tokens[person], as_open_event.event.identifier, "orders/csv")

    assert answer.status_code == 202, answer.body


@pytest.mark.parametrize("person", MAY_NOT_EXPORT)
def test_everyone_else_may_not(
    client: Any, as_open_event: OpenEventDatabase, tokens: dict[str, str], person: str
) -> None:
    answer = start_export(client, tokens[person], as_open_event.event.identifier, "orders/csv")

    assert answer.status_code == REFUSED[person], answer.body


def test_a_soft_deleted_event_is_not_found_even_for_its_owner(
    client: Any, as_open_event: OpenEventDatabase, tokens: dict[str, str]
) -> None:
    answer = start_export(client, tokens["owner"], as_open_event.event.deleted_identifier, "orders/csv")

    assert answer.status_code == 404


@pytest.mark.parametrize("person", MAY_EXPORT + MAY_NOT_EXPORT)
def test_only_admins_and_super_admins_may_export_the_sales_report(
    client: Any, as_open_event: OpenEventDatabase, tokens: dict[str, str], person: str
) -> None:
    answer = post_export(client, tokens[person], "admin/export/sales/csv", {"status": "all"})

    expected = 202 if person in SITE_ADMINS else REFUSED.get(person, 403)
    assert answer.status_code == expected, answer.body
