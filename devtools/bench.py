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

import devtools


def main() -> int:
    from devtools import functions
    from devtools.stack import start_backing_services

    # The benchmarks run exports as the export worker function does (its 540 s statement timeout).
    for name, value in functions.environment("export_worker").items():
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
