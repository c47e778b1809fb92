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


def import_profile(statement: str = "import app") -> list[Import]:
    """Every module that ``statement`` imports, in the order Python reports them."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        cwd=REPO, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
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
