"""What a cold start of a function imports, measured with ``python -X importtime`` in a fresh process.

Shared by the cold-start test (which modules) and ``make bench`` (how long).
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


@dataclass(frozen=True)
class Import:
    module: str
    self_us: int
    cumulative_us: int
    depth: int


def import_profile(statement: str = "import app", package: Path | None = None) -> list[Import]:
    """Every module that ``statement`` imports, in the order Python reports them.

    With ``package`` (an unpacked deployment zip) the statement runs as on Lambda: that folder and the
    standard library only, no site-packages.
    """
    command = [sys.executable, "-X", "importtime", "-c", statement]
    if package is not None:
        command[3:3] = ["-I", "-S"]
        command[-1] = f"import sys; sys.path.insert(0, {str(package)!r}); {statement}"
    result = subprocess.run(command, cwd=package or REPO, capture_output=True, text=True, check=True, timeout=120)
    imports = []
    for line in result.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            self_us, cumulative_us, indent, module = match.groups()
            imports.append(Import(module, int(self_us), int(cumulative_us), len(indent) // 2))
    return imports


def total_us(imports: list[Import]) -> int:
    """The time of the whole statement: the sum of the top-level imports."""
    return sum(entry.cumulative_us for entry in imports if entry.depth == 0)
