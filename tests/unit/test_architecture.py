"""The layout is the architecture: these rules keep it true as formats are added.

- The pipeline finds formats through ``formats.registry`` only; a format knows nothing of the pipeline.
- The schedule package is read by the schedule formats and by import, nothing else of ``chalicelib``;
  and by the feeds' fingerprint, which hashes exactly the rows the schedule's queries read.
- The feeds reach the formats through ``formats.registry`` only, and no format or pipeline module knows feeds.
- Production code never imports the development tools and data (``devtools``), which are not deployed.
- No import circle between modules of ``chalicelib``, function-level imports included.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "chalicelib"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, at any depth of its code (``from a import b`` yields ``a.b`` and ``a``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
IMPORTS = {
    name: {imported for imported in imported_modules(path) if imported in MODULES} for name, path in MODULES.items()
}


def importers_of(prefix: str) -> set[str]:
    return {name for name, imports in IMPORTS.items() if any(i.startswith(prefix) for i in imports)}


def test_the_pipeline_reaches_formats_through_the_registry_only() -> None:
    for name, imports in IMPORTS.items():
        if name.startswith("chalicelib.exports.pipeline"):
            formats = {i for i in imports if i.startswith("chalicelib.exports.formats.")}
            assert formats <= {"chalicelib.exports.formats.registry"}, f"{name} imports {formats}"


def test_a_format_knows_no_pipeline() -> None:
    offenders = {name for name in importers_of("chalicelib.exports.pipeline") if ".exports.formats" in name}
    assert not offenders


def test_only_schedule_formats_reach_into_the_schedule_package() -> None:
    outside = {
        name
        for name in importers_of("chalicelib.schedule")
        if not name.startswith(("chalicelib.schedule", "chalicelib.exports.formats."))
    }
    assert outside <= {"chalicelib.feeds.fingerprint"}


def test_feeds_reach_formats_through_the_registry_only_and_nothing_of_exports_knows_feeds() -> None:
    for name, imports in IMPORTS.items():
        if name.startswith("chalicelib.feeds"):
            formats = {i for i in imports if i.startswith("chalicelib.exports.")}
            assert formats <= {"chalicelib.exports.formats.registry"}, f"{name} imports {formats}"
    assert not {name for name in importers_of("chalicelib.feeds") if name.startswith("chalicelib.exports")}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_production_code_never_imports_devtools(name: str) -> None:
    assert not any(i.startswith("devtools") for i in imported_modules(MODULES[name]))


def test_no_import_circle() -> None:
    def packages_of(name: str) -> set[str]:
        # Importing a.b.c runs a/__init__ and a/b/__init__ first: those count as edges too.
        parts = name.split(".")
        return {".".join(parts[:i]) for i in range(1, len(parts))} & MODULES.keys()

    graph = {name: {i for i in imports if i != name} - packages_of(name) for name, imports in IMPORTS.items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycle = trail[trail.index(target) :] if target in trail else trail
                pytest.fail(" -> ".join([*cycle, name, target]))
            if target not in state:
                visit(target, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
