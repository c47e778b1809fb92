"""Exports: formats are declared in ``formats`` (light, imported by the HTTP function) and rendered
by modules of their own (heavy, imported only by the worker). The pipeline knows no format."""
