"""The project's number formats (``FORMAT_MODULE_PATH``): Django's own for each
language, with a thousands separator where staff read figures."""
