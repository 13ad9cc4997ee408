"""Byte counts as ``docker history`` / ``docker ps -s`` print them.

Docker formats sizes with go-units ``HumanSizeWithPrecision(size, 3)``:
decimal units (1 kB = 1000 B) and three significant digits. Students compare
the diagram with their terminal, so the numbers must match; we only add a
space between number and unit (``13.3 kB``), which reads better on a slide.
"""

from __future__ import annotations

UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def human_size(size: int | float) -> str:
    """``286`` -> ``286 B``; ``13256`` -> ``13.3 kB``; ``121_500_000`` -> ``122 MB``."""
    value = float(size)
    unit = 0
    while value >= 1000 and unit < len(UNITS) - 1:
        value /= 1000
        unit += 1
    text = f"{value:.3g}"
    # 999.9 kB rounds to "1e+03": go-units prints that oddity, we promote the unit.
    if "e" in text and unit < len(UNITS) - 1:
        value /= 1000
        unit += 1
        text = f"{value:.3g}"
    return f"{text} {UNITS[unit]}"
