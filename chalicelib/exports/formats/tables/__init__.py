"""The table exports, one declaration (``TABLE``, a ``formats.table.Table``) per module: a new
module here is a new table, in every form, with its routes (``formats.registry``)."""
