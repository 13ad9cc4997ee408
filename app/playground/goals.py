"""A challenge's goals, checked on what the playground built and ran.

Each goal is one key of a mapping in the challenge file (``image_under_mb: 140``);
``CHECKS`` maps the key to a function of (its value, the facts) that says whether
the goal is met and what the engine measured, in both languages. The build
must succeed before any goal counts: a failed build meets none.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any, Callable

from app.engine import Container, File, FSError, Image, Symlink
from app.engine.tarball import chain_ids
from app.lessons.model import Text
from app.render.sizes import human_size


def _t(en: str, zh: str) -> Text:
    return Text(en=en, zh=zh)


@dataclass(frozen=True)
class Facts:
    """What a played playground state offers the goals."""

    image: Image | None  # the built image; None when the build failed or the Dockerfile did not parse
    containers: list[Container]  # as they stand after the last command
    start_image: Image | None = None  # the challenge's starting image (for image_unchanged)


@dataclass(frozen=True)
class GoalResult:
    key: str
    met: bool
    goal: Text  # what is asked, e.g. "the image is under 140 MB"
    now: Text  # what the engine measured, e.g. "now 153 MB"


def _under_mb(limit: float, facts: Facts) -> tuple[bool, Text, Text]:
    size = facts.image.size
    return (size < limit * 1_000_000, _t(f"the image is under {limit:g} MB", f"镜像小于 {limit:g} MB"),
            _t(f"now {human_size(size)}", f"现在 {human_size(size)}"))


def _no_layer_contains(pattern: str, facts: Facts) -> tuple[bool, Text, Text]:
    """Files and symlinks only: a whiteout hides a file from the container but the layer below still ships it."""
    hits = [(i, path) for i, layer in enumerate(facts.image.layers) for path, node in layer.items()
            if isinstance(node, (File, Symlink)) and fnmatch.fnmatchcase(path, pattern)]
    goal = _t(f"no layer contains {pattern}", f"没有任何一层包含 {pattern}")
    if not hits:
        return True, goal, _t("no layer does", "确实没有")
    layer, path = hits[0]
    return False, goal, _t(f"layer {layer} holds {path} ({len(hits)} file(s) in all)",
                           f"第 {layer} 层含有 {path}（共 {len(hits)} 个文件）")


def _at_most_layers(limit: int, facts: Facts) -> tuple[bool, Text, Text]:
    n = len(facts.image.layers)
    return (n <= limit, _t(f"at most {limit} layers", f"最多 {limit} 层"),
            _t(f"now {n} layer(s)", f"现在 {n} 层"))


def _has_file(path: str, facts: Facts) -> tuple[bool, Text, Text]:
    from app.engine import UnionFS

    try:
        UnionFS(list(facts.image.layers)).stat(path)
        found = True
    except FSError:
        found = False
    return (found, _t(f"the image has {path}", f"镜像里有 {path}"),
            _t("it does" if found else "it is missing", "有" if found else "没有"))


def _container_file(spec: dict, facts: Facts) -> tuple[bool, Text, Text]:
    path, wanted = spec["path"], spec["contains"]
    goal = _t(f"a container's {path} says {wanted!r}", f"某个容器的 {path} 包含 {wanted!r}")
    for container in facts.containers:
        try:
            data, _ = container.fs.read(path)
        except FSError:
            continue
        if wanted.encode() in data:
            return True, goal, _t(f"{container.name}'s does", f"{container.name} 的包含")
    if not facts.containers:
        return False, goal, _t("no container is running", "还没有容器在运行")
    return False, goal, _t("no container's does", "没有容器的包含")


def _image_unchanged(_value: Any, facts: Facts) -> tuple[bool, Text, Text]:
    same = facts.start_image is not None and chain_ids(facts.image.layers) == chain_ids(facts.start_image.layers)
    return (same, _t("the image is the starting one, layer for layer", "镜像和开始时一模一样，每一层都相同"),
            _t("it is" if same else "its layers differ", "相同" if same else "层不同了"))


CHECKS: dict[str, Callable[[Any, Facts], tuple[bool, Text, Text]]] = {
    "image_under_mb": _under_mb,
    "no_layer_contains": _no_layer_contains,
    "at_most_layers": _at_most_layers,
    "has_file": _has_file,
    "container_file": _container_file,
    "image_unchanged": _image_unchanged,
}


def check_goals(goals: list[tuple[str, Any]], facts: Facts) -> list[GoalResult]:
    """Every goal with whether it is met; the first line is always "the build succeeds"."""
    built = facts.image is not None
    results = [GoalResult("builds", built, _t("the build succeeds", "构建成功"),
                          _t("it does" if built else "it fails", "成功" if built else "失败"))]
    for key, value in goals:
        if built:
            met, goal, now = CHECKS[key](value, facts)
        else:
            met, goal, now = False, CHECKS[key](value, _EMPTY)[1], _t("build first", "先要构建成功")
        results.append(GoalResult(key, met, goal, now))
    return results


_EMPTY = Facts(image=Image(name="none"), containers=[], start_image=None)
