"""Survey → Figure 1: the map, regenerated from the entries and cached by content.

A one-way pipeline: each stage imports only earlier ones (checked by ``tests/unit/test_figure_pipeline.py``
and ``tests/unit/test_imports.py``), and no module imports another's private name.

0. :mod:`.fonts`: the fallback font list and the check that every label can be drawn;
1. :mod:`.style`: colours, marker sizes, matplotlib's fixed settings, the map's frame;
2. :mod:`.model`: what is drawn, where each marker goes, which files are made (no matplotlib);
3. :mod:`.layout`: the one label placer (map, Figure 1, printables) and the overlap checker;
4. drawing: :mod:`.embed` (SVG post-processing, what pages show besides the map),
   :mod:`.figure1` (Figure 1 with matplotlib), :mod:`.mapsvg` (the interactive map pages fetch,
   labels per zoom level), :mod:`.printable` (keyed map, one figure per quadrant), and
   :mod:`.draw`, which draws them all;
5. :mod:`.cache`: the cache key and folder (no matplotlib import on a hit; :mod:`.draw` on a miss).
"""

from __future__ import annotations

from .cache import cache_key, ensure_figure, ensure_figure_files
from .embed import compact_svg, numbered_key, text_alternative
from .model import (
    KEYED,
    LABEL_LIMIT,
    MAP,
    NAMES,
    PRINT_LIMIT,
    all_names,
    auto_positions,
    display_positions,
    downloads,
    figure_inputs,
    numbering,
)
from .style import PALETTE

__all__ = [
    "KEYED",
    "PRINT_LIMIT",
    "LABEL_LIMIT",
    "MAP",
    "PALETTE",
    "NAMES",
    "all_names",
    "auto_positions",
    "display_positions",
    "cache_key",
    "downloads",
    "compact_svg",
    "ensure_figure",
    "ensure_figure_files",
    "figure_inputs",
    "numbered_key",
    "numbering",
    "text_alternative",
]
