"""``COPY --from=builder``: the files come from another stage, not the context.

The build step's scene holds only the image being built; the instruction
names the stage it copies from, and that is what the diagram draws: a small
box for the stage, with an arrow from it into the new layer (instead of the
op box's plain "write").
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from .fitting import clip, clip_path, font
from .labels import esc
from .style import BLUE, GREY_TEXT

NODE = "stage_from"
_COPY = re.compile(r"^\s*(COPY|ADD)\b(.*)$", re.I | re.S)


@dataclass
class StageSource:
    stage: str
    paths: list[str]


def stage_source(command: str | None) -> StageSource | None:
    """The stage and paths of a ``COPY --from=STAGE src… dest``, else None."""
    m = _COPY.match(command or "")
    if not m:
        return None
    try:
        words = shlex.split(m.group(2))
    except ValueError:
        words = m.group(2).split()
    stage = next((w.split("=", 1)[1] for w in words if w.lower().startswith("--from=")), None)
    if not stage:
        return None
    args = [w for w in words if not w.startswith("--")]
    return StageSource(stage, args[:-1] if len(args) > 1 else args)


def stage_box(src: StageSource, title: str) -> str:
    """The stage's box: its name in bold, then the paths copied from it."""
    paths = " · ".join(esc(clip_path(p, 26)) for p in src.paths[:3]) + (" · …" if len(src.paths) > 3 else "")
    return (f'<TABLE BORDER="1" STYLE="rounded,dashed" COLOR="{BLUE}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3" BGCOLOR="#EAF2FA"><TR><TD ALIGN="LEFT">{font(title, BLUE, 11)}</TD></TR>'
            f'<TR><TD ALIGN="LEFT">{font(paths, GREY_TEXT, 10)}</TD></TR></TABLE>')


def stage_title(stage: str) -> str:
    return clip(stage, 24)
