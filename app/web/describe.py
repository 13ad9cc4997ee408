"""A diagram as words, for screen readers and for "Describe this diagram".

The render side owns the real text alternative (``app.render.describe(scene,
lang)``); until a build of render has one, this module says the same from the
frame the page already has: each stack top to bottom (container layer, image
layers with their instruction and size, the host kernel), then what the step did.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.render.fitting import instruction
from app.render.sizes import human_size

# The sentences, per language: data, not code.
_WORDS = json.loads((Path(__file__).with_name("describe_words.json")).read_text(encoding="utf-8"))


def describe(frame, lang: str, kernel: str) -> list[str]:
    """Lines that say what the diagram shows; render's ``describe`` when it exists."""
    try:
        from app.render import describe as render_describe  # the render side's text alternative
    except ImportError:
        return fallback(frame, lang, kernel)
    text = render_describe(frame.scene(lang, kernel), lang)
    return [line for line in text.splitlines() if line.strip()] if isinstance(text, str) else list(text)


def fallback(frame, lang: str, kernel: str) -> list[str]:
    w = _WORDS.get(lang, _WORDS["en"])
    lines: list[str] = []
    for image in frame.images:
        lines.append(w["image"].format(name=image.name))
        for container in (c for c in frame.containers if c.image is image):
            lines.append(w["container"].format(name=container.name, n=len(container.upper), size=human_size(container.upper.size)))
        numbers = _history_numbers(image)
        for i in range(len(image.layers) - 1, -1, -1):
            number, what = numbers[i] if i < len(numbers) else (i, image.base)
            lines.append(w["layer"].format(i=number, what=what, size=human_size(image.layers[i].size)))
    lines.append(w["host"].format(kernel=kernel))
    lines.append(w["did"])
    lines.extend(_effects(frame, w))
    return lines


def _history_numbers(image) -> list[tuple[int, str]]:
    """(history number, instruction) of each layer, bottom first: the "#n" the diagram draws."""
    return [(n, instruction(h.created_by)) for n, h in enumerate(image.history) if not h.empty_layer]


def _effects(frame, w: dict) -> list[str]:
    out = [w["new"]] if frame.new_layer else []
    image = frame.images[0] if frame.images else None
    top = len(image.layers) if image else 0
    numbers = _history_numbers(image) if image else []

    def where(i: int | None) -> str:
        if i == top and frame.containers:
            return w["upper"]
        return w["lower"].format(i=numbers[i][0] if i is not None and i < len(numbers) else i)

    for trace in frame.traces:
        op = w["ops"].get(trace.op, trace.op)
        if trace.found_in is not None:
            out.append(w["found"].format(op=op, path=trace.path, where=where(trace.found_in)))
        elif any(p.result == "whiteout" for p in trace.probes):
            out.append(w["hidden"].format(op=op, path=trace.path))
        elif trace.probes and trace.error:
            out.append(w["missing"].format(op=op, path=trace.path))
        for c in trace.copied_up:
            out.append(w["copy"].format(path=c.path, where=where(c.from_layer), size=human_size(c.size)))
        out.extend(w["whiteout"].format(path=p) for p in trace.whiteouts)
    return out or [w["none"]]
