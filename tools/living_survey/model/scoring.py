"""The scoring rule: from answers to the framework's questions to a point on the map.

The rule is configuration (``scoring:`` in the framework file); this module is its only Python
implementation, and ``assets/locator.js`` (``scoreAxis``) its only JavaScript one. The two are
written to do the same floating-point operations in the same order, so that they give the same
bits for the same answers (``tests/unit/test_scoring.py`` checks every combination of answers):

- an axis's coordinate is the mean of the scores of its answered questions, summed in the
  framework's question order (a plain loop: Python 3.12's ``sum`` compensates rounding errors and
  JavaScript's addition does not); answers scored ``null`` lean neither way and are not counted;
- it is rounded half up to ``decimals`` places as ``floor(v * 10**d + 0.5) / 10**d`` (not Python's
  ``round``, which rounds half to even, nor ``Math.round``, whose ties differ near 0.5);
- an axis with no counted answer has no coordinate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .framework import Axis, Framework, Scoring


def rounded(value: float, decimals: int) -> float:
    """``value`` rounded half up to ``decimals`` places, as the locator's script rounds it."""
    scale = math.pow(10, decimals)
    return math.floor(value * scale + 0.5) / scale + 0.0  # + 0.0: no negative zero


def axis_value(axis: Axis, chosen: Mapping[str, int], scoring: Scoring) -> float | None:
    """The coordinate on ``axis`` given the chosen option index of each answered question.

    Questions of other axes in ``chosen`` are ignored; an index out of range is a ``ValueError``
    (entries are checked before they are scored).
    """
    if scoring.rule != "mean":
        raise ValueError(f"unknown scoring rule {scoring.rule!r}")
    total = 0.0
    count = 0
    for question in axis.questions:
        if question.id not in chosen:
            continue
        index = chosen[question.id]
        if not 0 <= index < len(question.options):
            raise ValueError(f"{question.id}: option {index} is not one of 0 to {len(question.options) - 1}")
        score = question.options[index].score
        if score is None:
            continue
        total += score
        count += 1
    if count == 0:
        return None
    return rounded(total / count, scoring.decimals)


def point(framework: Framework, chosen: Mapping[str, int]) -> tuple[float | None, float | None]:
    """``(x, y)`` from the chosen options; an axis without a counted answer is ``None``."""
    return (
        axis_value(framework.x, chosen, framework.scoring),
        axis_value(framework.y, chosen, framework.scoring),
    )


def within(position: float, value: float, scoring: Scoring) -> bool:
    """Whether a given coordinate lies inside the nudge its answers allow around ``value``."""
    # a hair of tolerance: 0.1 written in YAML and a difference of 0.1 computed in floats differ in the last bit
    return abs(position - value) <= scoring.nudge + 1e-9
