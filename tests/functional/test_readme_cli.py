"""The README's command-line lines work as written beside ``make run``: no variable to set by hand.

They run in a shell without ``DATABASE_URL``, so the CLI finds (or starts) the local stack's
embedded PostgreSQL, here in a folder of the test's own (``OES_LOCAL_DIR``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def readme_cli_lines() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Command line", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's command-line section has no sh block"
    return block.group(1)


def test_the_readme_cli_lines_run_as_written(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "JWT_SECRET"}}
    environment["OES_LOCAL_DIR"] = str(tmp_path)
    venv = Path(sys.executable).parent.parent
    script = readme_cli_lines().replace(".venv/", f"{venv}/") + '\nprintf "%s" "$TOKEN"\n'
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.rsplit("\n", 1)[-1]
    assert token.count(".") == 2, done.stdout
