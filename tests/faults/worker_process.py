"""``python -m tests.faults.worker_process``: ``make worker`` (``devtools.worker``) with the paced test format."""

from __future__ import annotations

import sys

from devtools import worker
from tests.faults import paced_format

if __name__ == "__main__":
    paced_format.register()
    sys.exit(worker.main(sys.argv[1:]))
