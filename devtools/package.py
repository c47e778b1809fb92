"""``make package``: the deployment package and its SAM template, from ``chalice package``.

Chalice ships only ``app.py``, ``chalicelib/`` and ``vendor/``. The ``migrate`` function needs the
Alembic scripts at run time, so they are copied into ``vendor/migrations`` first (a build product,
gitignored; a copy rather than a symlink so that no ``__pycache__`` rides along). ``--merge-template``
adds what Chalice does not create: the queues, the bucket, the KMS key, the secrets' parameters and
the gateway's error documents (``deploy/resources.json``).

Then every module is compiled into the zip: Lambda's ``/var/task`` is read-only, so without ``.pyc``
files Python compiles each imported module again on every cold start (``make bench`` shows the cost).
They are unchecked-hash ``.pyc`` files, valid whatever timestamps the unpacked files get, and made by
the interpreter that ran ``chalice package``, whose version is the one the template asks Lambda for.

No AWS credentials are needed, only a region, and the package index: Chalice downloads the Lambda
platform's wheels (lxml, SQLAlchemy). It caches the result in ``.chalice/deployments`` by the hash of
the requirements and the code, so a second build of unchanged code takes a few seconds.
"""

from __future__ import annotations

import argparse
import compileall
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MERGE_TEMPLATE = REPO / "deploy" / "resources.json"
VENDORED_MIGRATIONS = REPO / "vendor" / "migrations"
DEFAULT_OUTPUT = REPO / "build" / "package"


def vendor_migrations() -> Path:
    """Copy ``migrations/`` to where Chalice picks it up; ``chalicelib.migrate`` finds it beside itself."""
    shutil.rmtree(VENDORED_MIGRATIONS, ignore_errors=True)
    shutil.copytree(REPO / "migrations", VENDORED_MIGRATIONS, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return VENDORED_MIGRATIONS


def precompile(zip_path: Path) -> int:
    """Add a ``__pycache__/*.pyc`` for every module of the zip; returns how many."""
    with tempfile.TemporaryDirectory() as unpacked:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(unpacked)
        mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
        compileall.compile_dir(unpacked, quiet=2, workers=0, invalidation_mode=mode)
        compiled = sorted(Path(unpacked).rglob("*.pyc"))
        with zipfile.ZipFile(zip_path, "a", zipfile.ZIP_DEFLATED) as archive:
            for path in compiled:
                archive.write(path, path.relative_to(unpacked).as_posix())
    return len(compiled)


def build(output: Path = DEFAULT_OUTPUT, stage: str = "prod") -> Path:
    """Run ``chalice package`` into ``output`` (``sam.json`` + ``deployment.zip``) and return it."""
    vendor_migrations()
    shutil.rmtree(output, ignore_errors=True)
    chalice = Path(sys.executable).parent / "chalice"
    environment = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"}
    command = [str(chalice), "package", "--stage", stage, "--merge-template", str(MERGE_TEMPLATE), str(output)]
    subprocess.run(command, cwd=REPO, env=environment, check=True)
    precompile(output / "deployment.zip")
    return output


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.package", description=__doc__)
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--stage", default="prod")
    args = parser.parse_args()
    output = build(args.output.resolve(), args.stage)
    print(f"{output / 'sam.json'}\n{output / 'deployment.zip'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
