"""The export pipeline: request, task rows, worker, relay, dead letters, upload stream, task view.

It knows no format: it finds one by name in ``chalicelib.exports.formats.registry`` and nothing else."""
