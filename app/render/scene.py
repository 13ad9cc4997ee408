"""What one diagram shows: images over a host, containers on top, and a step's effect.

The renderer draws a ``Scene`` and nothing else. Web and CLI build it from
engine state after every step (a lesson step, a shell command, a build
instruction), so it uses only ``app.engine`` types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from app.engine import Container, Image, Trace


@dataclass(frozen=True)
class Links:
    """Where a drawn layer or container links to, as URL templates the caller
    (the web) fills in: ``{image}`` and ``{layer}`` (its index, 0 = bottom),
    ``{container}``. Names are quoted for a URL path. Render knows no routes;
    a frozen pair of strings, so a diagram cache can key on it."""

    layer: str
    container: str

    def layer_url(self, image: str, layer: int) -> str:
        return self.layer.replace("{image}", quote(image, safe="")).replace("{layer}", str(layer))

    def container_url(self, name: str) -> str:
        return self.container.replace("{container}", quote(name, safe=""))


@dataclass
class Scene:
    """Everything a step's diagram needs.

    images: stacks drawn side by side over one host. A ``Layer`` object used by
        several images is drawn once, in a band of shared layers ("stored once").
    containers: each drawn above its image, each with its own writable layer.
    traces: the step's effect, as the engine recorded it. Layer indexes count
        from 0 at the bottom of the target's stack; the container's writable
        layer is ``len(image.layers)``.
    target: the container the traces happened in, or the image for a build step
        (then the upper of the traces is that image's top layer).
    command: the operation or instruction text, shown in the op box.
    new_layer: build step: the target image's top layer was just made.
    notes: short remarks for the student ("not simulated: make install").
    lang: "en" or "zh".
    glosses: taught terms also in the other language (镜像层 beside "image
        layers"); None = the language's default: on in zh, off in en.
    links: each layer and container box a link (the inspector); None draws
        no links (golden DOT files, the CLI).
    cached: a rebuild: per history row of the target image, True when the build
        cache reused it ("CACHED", as docker build prints it), False when it ran
        again, None for no mark (the base's rows).
    """

    images: list[Image]
    containers: list[Container] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    target: str | None = None
    command: str | None = None
    new_layer: bool = False
    notes: list[str] = field(default_factory=list)
    lang: str = "en"
    kernel: str = "Linux kernel 6.1"
    glosses: bool | None = None
    links: Links | None = None
    cached: list[bool | None] | None = None

    @property
    def show_glosses(self) -> bool:
        from .labels import default_glosses

        return default_glosses(self.lang) if self.glosses is None else self.glosses
