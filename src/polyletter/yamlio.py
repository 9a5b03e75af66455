"""YAML read with libyaml where PyYAML has it: one loader for masters, lexicons and glossaries.

PyYAML's pure-Python ``SafeLoader`` costs tens of milliseconds on the shipped
formula lexicon, paid by every process that reads a letter (``status`` on a
fresh clone among them); libyaml's ``CSafeLoader`` builds the same values
about twenty times faster. Both raise :class:`yaml.YAMLError` subclasses with
the same marks, so callers name lines the same way whichever one runs.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with :data:`SafeLoader`."""
    return yaml.load(text, Loader=SafeLoader)
