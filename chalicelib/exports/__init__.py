"""Exports: ``pipeline`` runs them (request, queue, worker, upload), ``formats`` writes the files.
Adding a format touches ``formats`` only: one module and its entry in ``formats.registry``."""
