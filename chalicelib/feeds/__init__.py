"""Live schedule feeds: one stable public URL per published schedule and format (docs/feeds.md).

``files`` declares the files, ``fingerprint`` tells when the schedule changed, ``build`` renders a
changed schedule's files through the export formats' registry into the bucket, ``refresh`` is the
scheduled run that checks every published schedule, ``store`` keeps files and manifests in S3,
``serve`` answers a request from the manifest alone (no database), ``personal`` is "my schedule".
"""
