"""open-event-serverless: exports and organizer integrations for Open Event, on AWS Chalice.

Every time zone comes from the ``tzdata`` package pinned in requirements.txt, never from the OS:
the OS's database (2025b on the test machine; Lambda's image has its own) gives other offsets for a
zone whose rules changed (Casablanca from September 2026 under tz 2026f), so the same schedule would
export other times on another machine. With an empty search path ``zoneinfo`` reads ``tzdata``. Set
here, where every process that runs our code (the Lambda functions, ``make run``, the workers,
the tests) passes before it makes a time zone, rather than as ``PYTHONTZPATH`` in each function's
and each launcher's environment, where one forgotten copy would silently read the OS again.
"""

import zoneinfo

zoneinfo.reset_tzpath(to=[])
zoneinfo.ZoneInfo.clear_cache()  # a zone made from the OS's database before this must not be reused
