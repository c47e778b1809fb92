"""Metrics in CloudWatch's embedded metric format (EMF): one JSON object a line on stdout.

CloudWatch Logs extracts the metrics from the lines of a function's log group by itself: no client,
no ``PutMetricData`` call, no import worth measuring on a cold start. Powertools' ``Metrics`` writes
the same lines, for a dependency and its imports; the dozen lines below are all this needs.

Lines go to stdout, not through ``logging``: with the JSON log format Lambda would wrap a logged
line in its own object, and CloudWatch reads EMF only from a line that is the EMF object itself.

Each measurement is published without dimensions (the totals the alarms watch) and under each
dimension set given (by format, by format and reason), as the spec allows one directive to.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Literal

from chalicelib.settings import get_settings

Unit = Literal["Count", "Milliseconds", "Bytes"]


def document(
    values: Mapping[str, tuple[float, Unit]],
    dimensions: Mapping[str, str] | None = None,
    dimension_sets: Sequence[Sequence[str]] = (),
) -> dict[str, object]:
    """The EMF object for ``values`` (name: (value, unit)), with the members the dimensions name."""
    dimensions = dict(dimensions or {})
    directive = {
        "Namespace": get_settings().metrics_namespace,
        "Dimensions": [[], *(list(names) for names in dimension_sets)],
        "Metrics": [{"Name": name, "Unit": unit} for name, (_, unit) in values.items()],
    }
    return {
        "_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [directive]},
        **dimensions,
        **{name: value for name, (value, _) in values.items()},
    }


def emit(
    values: Mapping[str, tuple[float, Unit]],
    dimensions: Mapping[str, str] | None = None,
    dimension_sets: Sequence[Sequence[str]] = (),
) -> None:
    """Write the EMF line; nothing is written for no values."""
    if values:
        sys.stdout.write(json.dumps(document(values, dimensions, dimension_sets)) + "\n")
        sys.stdout.flush()


def count(name: str, value: int = 1, **dimensions: str) -> None:
    """``value`` more of ``name``, in total and by all of ``dimensions`` (and by their first, if several)."""
    names = list(dimensions)
    sets = [names[:1], names] if len(names) > 1 else [names] if names else []
    emit({name: (value, "Count")}, dimensions, sets)
