"""The export formats: ``registry`` declares them (light: the HTTP function imports it), ``base`` is
the interface each renderer implements, and every other module is one format or a helper shared by
formats. A format knows nothing of the pipeline that runs it."""
