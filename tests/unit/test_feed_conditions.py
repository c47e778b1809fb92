"""Conditional requests as RFC 9110 reads them: If-None-Match (weak comparison, lists, ``*``) wins
over If-Modified-Since; an unreadable date is ignored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.feeds.serve import Conditions

ETAG = '"abc123"'
BUILT = datetime(2026, 6, 1, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("conditions", "unchanged"),
    [
        (Conditions(), False),
        (Conditions(if_none_match=ETAG), True),
        (Conditions(if_none_match=f"W/{ETAG}"), True),
        (Conditions(if_none_match=f'"other", {ETAG}'), True),
        (Conditions(if_none_match="*"), True),
        (Conditions(if_none_match='"other"'), False),
        (Conditions(if_none_match='"other"', if_modified_since="Mon, 01 Jun 2026 10:00:00 GMT"), False),
        (Conditions(if_modified_since="Mon, 01 Jun 2026 10:00:00 GMT"), True),
        (Conditions(if_modified_since="Mon, 01 Jun 2026 09:59:59 GMT"), False),
        (Conditions(if_modified_since="yesterday"), False),
        (Conditions(if_modified_since="Mon, 01 Jun 2026 10:00:00"), False),  # no zone: not an HTTP date
    ],
    ids=["none", "etag", "weak", "list", "star", "other", "etag-wins", "same-date", "older-date", "bad", "no-zone"],
)
def test_conditions_decide_whether_the_copy_is_current(conditions, unchanged):
    assert conditions.unchanged(ETAG, BUILT) is unchanged
