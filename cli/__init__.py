"""The ``redline`` command line: a thin face over ``core``."""
