"""The deployment zip carries everything the functions import and the migration scripts they run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.package.conftest import Package

MIGRATIONS = sorted(
    path.relative_to(REPO).as_posix()
    for path in [
        REPO / "migrations" / "env.py",
        REPO / "migrations" / "script.py.mako",
        *(REPO / "migrations" / "versions").glob("*.py"),
    ]
)
# Lambda accepts 250 MB unzipped (code and layers together).
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


def requirements() -> list[tuple[str, str]]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (REPO / "requirements.txt").read_text(), re.MULTILINE)
    return [(name, version) for name, version in pins]


def names_in(package: Package) -> set[str]:
    with zipfile.ZipFile(package.zip_path) as archive:
        return set(archive.namelist())


def run_packaged(package: Package, code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` as Lambda would: only the unpacked package and the standard library on sys.path."""
    prelude = f"import sys; sys.path.insert(0, {str(package.unpacked)!r})\n"
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1", **environment}
    return subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", prelude + code],
        cwd=package.unpacked, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("path", MIGRATIONS)
def test_zip_contains_the_migration_script(package: Package, path: str) -> None:
    assert path in names_in(package)


@pytest.mark.parametrize(("name", "version"), requirements(), ids=[name for name, _ in requirements()])
def test_zip_contains_the_pinned_requirement(package: Package, name: str, version: str) -> None:
    normalized = re.sub(r"[-_.]+", "_", name).lower()

    dist_infos = {path.split("/")[0].lower() for path in names_in(package) if ".dist-info/" in path}

    assert f"{normalized}-{version}.dist-info" in dist_infos


@pytest.mark.parametrize("prefix", ["tests/", "devtools/", "moto/", "pytest/", "vendor/"])
def test_zip_leaves_out_development_files(package: Package, prefix: str) -> None:
    assert not any(name.startswith(prefix) for name in names_in(package))


def compiled_name(source: str, runtime: str) -> str:
    folder, _, file = source.rpartition("/")
    return f"{folder}/__pycache__/{file.removesuffix('.py')}.cpython-{runtime}.pyc".lstrip("/")


def test_zip_ships_our_modules_and_libraries_compiled_for_the_lambda_runtime(package: Package) -> None:
    runtime = package.properties("APIHandler")["Runtime"].removeprefix("python").replace(".", "")
    names = names_in(package)
    sources = [
        name for name in names if name.endswith(".py") and name.startswith(("app", "chalicelib/", "sqlalchemy/"))
    ]

    missing = [source for source in sources if compiled_name(source, runtime) not in names]

    assert sources and not missing


def test_compiled_modules_are_valid_whatever_the_file_times(package: Package) -> None:
    with zipfile.ZipFile(package.zip_path) as archive:
        header = archive.read(compiled_name("app.py", sys.implementation.cache_tag.removeprefix("cpython-")))[:8]

    assert int.from_bytes(header[4:8], "little") == 0b01  # hash-based, never checked against the source


def test_zip_fits_in_a_lambda_function(package: Package) -> None:
    with zipfile.ZipFile(package.zip_path) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())

    assert unzipped < LAMBDA_UNZIPPED_LIMIT


def chalicelib_modules(root: Path) -> Iterator[str]:
    for path in sorted((root / "chalicelib").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_packaged_app_and_every_module_import_without_the_development_environment(package: Package) -> None:
    modules = list(chalicelib_modules(package.unpacked))
    code = f"import importlib, app\nfor name in {modules!r}:\n    importlib.import_module(name)\nprint('ok')"

    result = run_packaged(package, code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.fixture
def scratch_database(postgres_server_url: str) -> Iterator[str]:
    from devtools.postgres import create_scratch_database, drop_database

    url = create_scratch_database(postgres_server_url, prefix="oes_package")
    yield url
    drop_database(url)


def test_packaged_migrate_function_upgrades_a_new_database_to_head(package: Package, scratch_database: str) -> None:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(REPO / "migrations")).get_current_head()
    own_head = ScriptDirectory(str(REPO / "migrations" / "own")).get_current_head()
    code = "import json, app\nprint(json.dumps(app.migrate({'action': 'upgrade'}, None)))"

    result = run_packaged(package, code, DATABASE_URL=scratch_database)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "action": "upgrade",
        "before": None,
        "after": head,
        "mode": "standalone",
        "revisions": {"standalone": head, "serverless": own_head},
    }


def test_packaged_code_reads_the_pinned_time_zone_database_not_the_os(package: Package) -> None:
    """Casablanca on 15 October 2026: +00:00 under the pinned tz 2026f, +01:00 under older databases
    (the test machine's 2025b; Lambda's image has its own)."""
    code = (
        "import chalicelib, datetime, zoneinfo\n"
        "print(datetime.datetime(2026, 10, 15, 12, tzinfo=zoneinfo.ZoneInfo('Africa/Casablanca')).utcoffset())"
    )
    result = run_packaged(package, code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0:00:00"
