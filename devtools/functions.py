"""The settings each Lambda function gets, read from ``.chalice/config.json`` as Chalice deploys them.

The local stack runs each function with its own: the worker with the export worker's 540 s statement
timeout, the API with its 10 s. Nothing is copied here; a change to the config is a change locally.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import signal
from pathlib import Path
from typing import Any

CHALICE_CONFIG = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"
STAGE = "prod"
# Variables that say "this is a deployment" (``STAGE``: chalicelib.settings then refuses the development
# JWT secret). The local stack is development, whatever the deployed stage's configuration says.
DEPLOYMENT_ONLY = frozenset({"STAGE"})


def _stage_and_own(function: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stage's configuration and ``function``'s own within it (empty when it has none)."""
    stage: dict[str, Any] = json.loads(CHALICE_CONFIG.read_text())["stages"][STAGE]
    return stage, stage.get("lambda_functions", {}).get(function, {})


def environment(function: str) -> dict[str, str]:
    """The variables Chalice gives ``function`` (the stage's, then the function's own over them), but
    those that only a deployment has (``DEPLOYMENT_ONLY``)."""
    stage, own = _stage_and_own(function)
    variables = {**stage.get("environment_variables", {}), **own.get("environment_variables", {})}
    return {name: value for name, value in variables.items() if name not in DEPLOYMENT_ONLY}


def timeout_seconds(function: str) -> int:
    """The function's Lambda timeout (its own, else the stage's)."""
    stage, own = _stage_and_own(function)
    return int(own.get("lambda_timeout", stage.get("lambda_timeout", 60)))


def die_with_parent() -> None:
    """In a child process (``preexec_fn``): be killed when the parent dies, however it dies (Linux;
    elsewhere a no-op). A killed ``make worker`` takes its functions with it, as a Lambda timeout does."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
