"""``make bench``: what a cold start costs, and how big the deployment package is.

- The HTTP entry point's import time (``python -X importtime -c "import app"``, median of a few fresh
  processes, run from the unpacked deployment package with no site-packages, as on Lambda) and the
  libraries that dominate it; the same without the ``.pyc`` files ``make package`` adds, and for the
  worker with every renderer loaded, to show what keeping them off the HTTP path saves.
- The zipped and unzipped size of ``build/package/deployment.zip`` (built by ``make package`` when
  missing; that needs the package index).
"""

from __future__ import annotations

import importlib.util
import statistics
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from chalicelib.exports.formats.registry import FORMATS
from devtools.coldstart import import_profile, total_us
from devtools.package import DEFAULT_OUTPUT, build

RUNS = 5
MB = 1024 * 1024


def _import_figures(statement: str, package: Path) -> dict[str, Any]:
    profiles = [import_profile(statement, package) for _ in range(RUNS)]
    by_library: Counter[str] = Counter()
    for entry in profiles[-1]:
        by_library[entry.module.split(".")[0]] += entry.self_us
    return {
        "median_ms": round(statistics.median(total_us(profile) for profile in profiles) / 1000, 1),
        "modules": len(profiles[-1]),
        "heaviest_ms": {name: round(us / 1000, 1) for name, us in by_library.most_common(5)},
    }


def _package_figures(zip_path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(zip_path) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
        files = len(archive.infolist())
    return {"zip_mb": round(zip_path.stat().st_size / MB, 1), "unzipped_mb": round(unzipped / MB, 1), "files": files}


def _unpack(zip_path: Path, target: Path, *, with_pyc: bool) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target, [name for name in archive.namelist() if with_pyc or not name.endswith(".pyc")])
    return target


def run(services: object) -> dict[str, Any]:
    zip_path = DEFAULT_OUTPUT / "deployment.zip"
    if not zip_path.exists():
        build(DEFAULT_OUTPUT)
    modules = {fmt.renderer_path.partition(":")[0] for fmt in FORMATS.values()}
    renderers = sorted(name for name in modules if importlib.util.find_spec(name))  # formats not built yet
    worker = "; ".join(
        ["import app", "import chalicelib.exports.pipeline.worker", *(f"import {name}" for name in renderers)]
    )
    # Lambda cannot write __pycache__ in /var/task: without shipped .pyc files, every cold start compiles.
    read_only = "import sys; sys.dont_write_bytecode = True; import app"
    with tempfile.TemporaryDirectory() as root:
        shipped = _unpack(zip_path, Path(root) / "shipped", with_pyc=True)
        bare = _unpack(zip_path, Path(root) / "bare", with_pyc=False)
        return {
            "http_cold_import": _import_figures("import app", shipped),
            "http_cold_import_without_shipped_pyc": _import_figures(read_only, bare),
            "worker_cold_import_with_all_renderers": _import_figures(worker, shipped),
            "deployment_package": _package_figures(zip_path),
        }
