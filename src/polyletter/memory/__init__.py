"""The translation memory: every person's translation in Git, reused exactly, offered when similar.

* ``units``   -- ``Unit`` (a source, its translation, and where it came from) and ``Match``
* ``harvest`` -- units from committed PO files (blocks, and sentences that line up)
* ``store``   -- ``TranslationMemory``: the derived index under ``.polyletter/cache/``
* ``recall``  -- what the memory answers for a run, before any engine
* ``tmx``     -- TMX 1.4b out and in (safely parsed)
"""

from polyletter.memory.recall import Recall, Wanted, recall
from polyletter.memory.store import MEMORY_DIR, TranslationMemory
from polyletter.memory.units import Match, Unit

__all__ = ["MEMORY_DIR", "Match", "Recall", "TranslationMemory", "Unit", "Wanted", "recall"]
