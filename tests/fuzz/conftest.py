"""The fuzz's own figures in the terminal summary: how many requests each operation received."""

from __future__ import annotations

from collections import Counter
from typing import Any

SENT: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SENT:
        total, operations = sum(SENT.values()), len(SENT)
        terminalreporter.write_line(f"schema fuzz: {total} requests over {operations} operations, 3 roles each")
        for operation, sent in sorted(SENT.items()):
            terminalreporter.write_line(f"  {sent:6d}  {operation}")
