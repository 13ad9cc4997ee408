"""The state a build carries between instructions, as typed objects.

``StageState`` is where one stage stands (BuildKit's ``dispatchState``): its
image so far and its ARGs; env, workdir, user and distribution are read from
the image, so they can never disagree with it. ``BuildWide`` is what every
stage shares (BuildKit's ``dispatchOpt``). ``Outcome`` is what one instruction
handler returns; the stage loop turns it into a BuildStep and the next state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import Any

from app.engine import HistoryEntry, Image, Layer, Trace

from .context import Context
from .limits import DEFAULT as DEFAULT_LIMITS, BuildLimits
from .results import Uncertain

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class StageState:
    """One stage between two instructions: handlers read it and never change it."""

    index: int
    name: str | None
    image: Image
    # the stage's ARGs so far, in the order declared; None: declared without a value
    args: dict[str, str | None] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return self.image.env

    @property
    def scope(self) -> dict[str, str]:
        """The variables an instruction's words expand with: ENV wins over ARG."""
        return {**{k: v for k, v in self.args.items() if v is not None}, **self.env}

    @property
    def workdir(self) -> str:
        return self.image.config.get("WorkingDir") or "/"

    @property
    def user(self) -> str:
        return self.image.config.get("User") or ""

    @property
    def distro(self) -> str | None:
        return self.image.distro

    def after(self, outcome: "Outcome") -> "StageState":
        """The stage once an instruction's outcome is applied."""
        args = outcome.args if outcome.args is not None else self.args
        return replace(self, image=outcome.image, args=args)


@dataclass
class BuildWide:
    """What every stage of one build shares. Only the stage loop updates it, between steps."""

    context: Context
    escape: str
    build_args: dict[str, str]
    global_args: dict[str, str]  # the ARGs before the first FROM, resolved
    name: str  # the tag of the image being built
    stage_images: dict[str, Image] = field(default_factory=dict)  # by lowercased name and by index
    unknowns_so_far: bool = False  # an earlier step left files unknown (shell after_unknowns)
    context_partial: bool = False  # the lesson says its context lacks files: placeholders, not errors
    limits: BuildLimits = DEFAULT_LIMITS


@dataclass
class Outcome:
    """What one instruction did: the image after it and the record of how."""

    image: Image
    created_layer: bool = False
    traces: list[Trace] = field(default_factory=list)
    not_simulated: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stdout: str = ""
    error: str | None = None
    script: str = ""
    commands: list[str] = field(default_factory=list)
    uncertain: list[Uncertain] = field(default_factory=list)
    args: dict[str, str] | None = None  # ARG: the stage's ARG values after it (None: unchanged)

    def step_fields(self) -> dict[str, Any]:
        """The fields a BuildStep records (every one but ``args``, which is the stage's)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "args"}


def image_with(image: Image, *, created_by: str, layer: Layer | None = None, config: dict | None = None) -> Image:
    """A new image: ``image`` plus one history entry (and a layer when given)."""
    layers = image.layers + ((layer,) if layer is not None else ())
    history = image.history + (HistoryEntry(created_by, empty_layer=layer is None),)
    return replace(image, layers=layers, history=history, config=config if config is not None else image.config)


def config_with(image: Image, **changes: Any) -> dict:
    """A deep copy of the image's config with ``changes`` applied (the old image keeps its own)."""
    config = json.loads(json.dumps(image.config))
    config.update(changes)
    return config
