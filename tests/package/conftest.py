"""The deployment package, built once per session by ``devtools.package`` (what ``make package`` runs).

``chalice package`` downloads the Lambda wheels and zips them: tens of seconds on a cold cache. The
build starts in a child process as soon as collection selects a test that needs it, so it runs while
the functional tests do; the ``package`` fixture waits for it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

HERE = Path(__file__).resolve().parent
BUILD_TIMEOUT_SECONDS = 900


@dataclass
class Build:
    """A ``python -m devtools.package`` run into a temporary folder."""

    root: Path
    process: subprocess.Popen[bytes]

    @property
    def output(self) -> Path:
        return self.root / "package"

    @property
    def log(self) -> Path:
        return self.root / "package.log"

    @classmethod
    def start(cls) -> Build:
        root = Path(tempfile.mkdtemp(prefix="oes-package-"))
        with (root / "package.log").open("wb") as log:
            command = [sys.executable, "-m", "devtools.package", str(root / "package")]
            process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        return cls(root, process)

    def wait(self) -> Path:
        if self.process.wait(timeout=BUILD_TIMEOUT_SECONDS) != 0:
            tail = self.log.read_text(errors="replace")[-4000:]
            pytest.fail(f"python -m devtools.package failed (it needs the package index):\n{tail}", pytrace=False)
        return self.output

    def discard(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


_build: Build | None = None


def _needs_package(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents and "package" in getattr(item, "fixturenames", ())


def pytest_collection_finish(session: pytest.Session) -> None:
    global _build
    if _build is None and any(_needs_package(item) for item in session.items):
        _build = Build.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _build is not None:
        _build.discard()


@dataclass(frozen=True)
class Package:
    template: dict[str, Any]
    zip_path: Path
    unpacked: Path

    def resource(self, name: str) -> dict[str, Any]:
        resource: dict[str, Any] = self.template["Resources"][name]
        return resource

    def properties(self, name: str) -> dict[str, Any]:
        properties: dict[str, Any] = self.resource(name)["Properties"]
        return properties

    def role_statements(self, function: str) -> list[dict[str, Any]]:
        """The statements of the inline policies of the role that ``function`` runs as."""
        role = self.properties(function)["Role"]["Fn::GetAtt"][0]
        policies = self.resource(role)["Properties"]["Policies"]
        return [statement for policy in policies for statement in policy["PolicyDocument"]["Statement"]]


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Package]:
    global _build
    if _build is None:
        _build = Build.start()
    output = _build.wait()
    unpacked = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(output / "deployment.zip") as archive:
        archive.extractall(unpacked)
    yield Package(json.loads((output / "sam.json").read_text()), output / "deployment.zip", unpacked)
