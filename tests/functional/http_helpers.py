"""Small helpers for talking HTTP to the app in tests."""

from __future__ import annotations

import json
from typing import Any


def auth_headers(token: str, scheme: str = "JWT", **extra: str) -> dict[str, str]:
    return {"Authorization": f"{scheme} {token}", **extra}


def body_of(response: Any) -> Any:
    return json.loads(response.body) if response.body else None
