"""polyletter: one letter, many languages, offline."""

__version__ = "0.1.0"
