"""Recognising a Stripe authorization code again without keeping it: an HMAC-SHA256 of the code.

The Open Event frontend's event wizard saves an authorization again with the code it was created
from. That code is spent at Stripe, so the save must be recognised as a repetition and change
nothing. Only a keyed hash is stored: a database dump neither shows the code nor lets anyone test
a guess without the app secret. The key is derived from ``JWT_SECRET`` for this use only.
"""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.settings import get_settings

_PURPOSE = b"stripe-auth-code"


def fingerprint(code: str) -> str:
    """The hex HMAC of ``code`` (64 characters), as stored in ``stripe_authorizations.code_hash``."""
    key = hmac.new(get_settings().jwt_secret.encode(), _PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, code.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def is_repeat(code: str, stored: str | None) -> bool:
    """Whether ``code`` is the one whose fingerprint is ``stored`` (compared in constant time)."""
    return stored is not None and hmac.compare_digest(fingerprint(code), stored)
