"""A cold start of the HTTP function imports nothing it does not need (renderers, lxml, Alembic)."""

from __future__ import annotations

import pytest

from chalicelib.exports.formats.registry import FORMATS
from devtools.coldstart import import_profile

# The worker's and the migrate function's code, and the libraries only they use.
RENDERERS = sorted({fmt.renderer_path.partition(":")[0] for fmt in FORMATS.values()})
WORKER_ONLY = [
    "icalendar",
    "lxml",
    "fpdf",  # and what it loads: the fonts' reader, images, shaping
    "fontTools",
    "PIL",
    "uharfbuzz",
    "html_text",
    "alembic",
    "requests",  # only the Stripe writes call out over HTTP
    "chalicelib.stripe.client",
    "chalicelib.exports.pipeline.worker",
    "chalicelib.exports.pipeline.dead_letters",
    "chalicelib.exports.pipeline.relay",
    "chalicelib.migrate",
    *RENDERERS,
]


@pytest.fixture(scope="module")
def http_imports() -> set[str]:
    return {entry.module for entry in import_profile("import app")}


def test_http_entry_point_is_profiled(http_imports: set[str]) -> None:
    assert {"app", "chalicelib.routes.health"} <= http_imports


@pytest.mark.parametrize("module", WORKER_ONLY)
def test_http_cold_start_does_not_import(http_imports: set[str], module: str) -> None:
    assert not {name for name in http_imports if name == module or name.startswith(f"{module}.")}
