"""Survey → Figure 1: the map, regenerated from the entries and cached by content.

- :mod:`.model`: what is drawn, the cache key, the cache itself (no matplotlib import on a hit);
- :mod:`.fonts`: the fallback font list and the check that every label can be drawn;
- :mod:`.layout`: matplotlib drawing, label placement and the overlap checker (printable figures);
- :mod:`.mapsvg`: the interactive map pages fetch, with labels placed per zoom level;
- :mod:`.embed`: SVG post-processing and what pages show besides the map.
"""

from __future__ import annotations

from .embed import compact_svg, numbered_key, text_alternative
from .model import (
    KEYED,
    LABEL_LIMIT,
    MAP,
    NAMES,
    PALETTE,
    PRINT_LIMIT,
    all_names,
    auto_positions,
    cache_key,
    downloads,
    ensure_figure,
    ensure_figure_files,
    figure_inputs,
    numbering,
)

__all__ = [
    "KEYED",
    "PRINT_LIMIT",
    "LABEL_LIMIT",
    "MAP",
    "PALETTE",
    "NAMES",
    "all_names",
    "auto_positions",
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
