"""``make bench``: runs every ``devtools/bench_*.py`` module's ``run()`` and prints their figures.

Each module returns a dict of figures (already measured); this driver only starts the stack and
prints. Benchmarks prove speed; tests never time anything.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path

import devtools

CHALICE_CONFIG = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"


def worker_limits() -> dict[str, str]:
    """The export worker function's database limits: the benchmarks run exports as it does, and the
    default statement timeout is the HTTP function's 10 s."""
    functions = json.loads(CHALICE_CONFIG.read_text())["stages"]["prod"]["lambda_functions"]
    limits: dict[str, str] = functions["export_worker"]["environment_variables"]
    return limits


def main() -> int:
    from devtools.stack import start_backing_services

    for name, value in worker_limits().items():
        os.environ.setdefault(name, value)
    with start_backing_services(database_name="oes_bench") as services:
        names = sorted(m.name for m in pkgutil.iter_modules(devtools.__path__) if m.name.startswith("bench_"))
        selected = sys.argv[1:] or names
        for name in names:
            if name not in selected:
                continue
            print(f"== {name}", flush=True)
            figures = importlib.import_module(f"devtools.{name}").run(services)
            print(json.dumps(figures, indent=2, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
