"""What every benchmark shares: a byte-counting sink, a process's own peak RSS, and running a
measurement in a child process (so that one measurement's memory never inflates another's)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from typing import Any


class CountingSink:
    """A binary stream that keeps only the number of bytes written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not ``ru_maxrss``: Linux carries it over from the parent
    across fork and exec, so a child of a big parent (moto's stored files) reports the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux only


def run_child(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args...``; its last stdout line is a JSON object of figures."""
    command = [sys.executable, "-m", module, *args]
    child = subprocess.run(command, capture_output=True, text=True, check=False, env=dict(os.environ))
    if child.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{child.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result
