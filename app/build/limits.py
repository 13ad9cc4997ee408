"""Limits of one build, counted in instructions, layers and bytes, never in time.

The shell's limits (app/shell/context.py ``Limits``) bound each RUN from
inside; these bound the Dockerfile around them, so that a pasted Dockerfile
cannot make the build, or the diagram drawn from it, grow without end. Each is
checked where the work is about to happen: the text before it is parsed, each
instruction before it runs, each layer as it is added. Time (CPU, wall clock)
is the sandbox's (app/sandbox/limits.py): a count stops a build at the same
place on any machine, a clock does not.

Over a limit, the build stops with a message at the instruction's line that
names the setting (``limit max_layers``).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from app.dockerfile.errors import DockerfileError
from app.dockerfile.instructions import Dockerfile
from app.engine import Image
from app.engine.layer import Layer
from app.shell import Limits as RunLimits


@dataclass(frozen=True)
class BuildLimits:
    # The Dockerfile parser's cost grows faster than its input (heredocs): its size is checked first.
    max_dockerfile_bytes: int = 1024 * 1024
    # Instructions of all stages together; real Dockerfiles have tens.
    max_instructions: int = 1000
    # Layers of one image, base included: Docker's overlay2 refuses a 126th ("max depth exceeded").
    max_layers: int = 125
    # One ENV, ARG or LABEL value after expansion: the kernel's MAX_ARG_STRLEN, past which
    # no RUN could start a process with it in its environment.
    max_variable_bytes: int = 128 * 1024
    # One heredoc body (RUN <<EOF, COPY <<EOF).
    max_heredoc_bytes: int = 256 * 1024
    # The bytes of all the image's layers together.
    max_image_bytes: int = 8 * 1024**3
    # Each RUN's own limits (commands, loop turns, files and bytes of its layer...).
    run: RunLimits = field(default_factory=RunLimits)


DEFAULT = BuildLimits()


class BuildLimitReached(Exception):
    """A build limit stopped the build at an instruction; ``message`` names the setting."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def check_text(text: str, filename: str, limits: BuildLimits) -> None:
    """Before parsing: the Dockerfile's size."""
    size = len(text.encode("utf-8", "surrogateescape"))
    if size > limits.max_dockerfile_bytes:
        raise DockerfileError(f"the Dockerfile is {size} bytes, more than {limits.max_dockerfile_bytes} "
                              "(limit max_dockerfile_bytes)", filename, 1)


def check_parsed(parsed: Dockerfile, filename: str, limits: BuildLimits) -> None:
    """After parsing: how many instructions, and how big each heredoc is, at the line of the first one over."""
    count = len(parsed.meta_args)
    for stage in parsed.stages:
        for inst in [stage.base, *stage.instructions]:
            count += 1
            if count > limits.max_instructions:
                raise DockerfileError(f"more than {limits.max_instructions} instructions "
                                      "(limit max_instructions)", filename, inst.line)
            for heredoc in getattr(inst, "heredocs", None) or []:
                size = len(heredoc.content or "")
                if size > limits.max_heredoc_bytes:
                    raise DockerfileError(f"a heredoc of {size} bytes, more than {limits.max_heredoc_bytes} "
                                          "(limit max_heredoc_bytes)", filename, inst.line)


def check_values(pairs, limits: BuildLimits) -> None:
    """ENV, ARG and LABEL values after expansion (``ENV A=$A$A`` doubles at each line)."""
    for name, value in pairs:
        if value is not None and len(value) > limits.max_variable_bytes:
            raise BuildLimitReached(f"the value of {name} grew to {len(value)} bytes, more than "
                                    f"{limits.max_variable_bytes} (limit max_variable_bytes)")


def check_image(image: Image, limits: BuildLimits) -> None:
    """After a step that made a layer: the image's depth and size."""
    if len(image.layers) > limits.max_layers:
        raise BuildLimitReached(f"max depth exceeded: the image would have {len(image.layers)} layers, "
                                f"more than {limits.max_layers} (limit max_layers)")
    total = sum(layer_bytes(layer) for layer in image.layers)
    if total > limits.max_image_bytes:
        raise BuildLimitReached(f"the image would hold {total} bytes, more than {limits.max_image_bytes} "
                                "(limit max_image_bytes)")


def layer_bytes(layer: Layer) -> int:
    """``layer.size``, remembered per frozen layer (a base layer is summed once per process, not per step)."""
    if not layer.frozen:
        return layer.size
    if layer not in _SIZES:
        _SIZES[layer] = layer.size
    return _SIZES[layer]


_SIZES: "weakref.WeakKeyDictionary[Layer, int]" = weakref.WeakKeyDictionary()
