"""The figure's drawing stage as one call: every file of the cache folder, drawn from the inputs.

Imported by :mod:`.cache` on a miss only (it brings in matplotlib).
"""

from __future__ import annotations

from typing import Any

from .figure1 import draw_figure1
from .mapsvg import map_svg
from .model import MAP, PRINT_LIMIT
from .printable import draw_printables


def draw_all(inputs: dict[str, Any]) -> dict[str, bytes]:
    """Every file of the figure's cache folder (see :func:`.model.all_names`)."""
    out = draw_figure1(inputs)
    out[MAP] = map_svg(inputs).encode("utf-8")
    if len(inputs["entries"]) <= PRINT_LIMIT:
        out.update(draw_printables(inputs))
    return out
