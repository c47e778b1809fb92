"""What stays on Open Event Server in Open Event mode, said plainly by the routes that serve it here.

In Open Event mode (``OPEN_EVENT_DATABASE_URL`` set) this service never writes OES's database, so
what OES keeps in it stays OES's: login and token refresh (OES keeps a refresh blacklist here we
cannot honour), Stripe Connect (OES's checkout reads the connected account's token in clear from
its ``stripe_authorizations`` and sets ``events.is_stripe_linked``; an authorization made here would
leave OES unable to charge), and writing pages. Those routes answer 404 with a detail that names
OES, as a service without them would: the router is meant to send them to OES (docs/open-event.md).
Tokens OES signs are accepted everywhere (both services share the JWT secret).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalicelib.errors import NotFound
from chalicelib.settings import get_settings


def standalone_only(feature: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view that serves ``feature`` only in standalone mode (inside its error handling)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if get_settings().open_event_mode:
                raise NotFound(f"{feature} is served by Open Event Server in Open Event mode: route this request to it")
            return view(*args, **kwargs)

        return checked

    return decorate
