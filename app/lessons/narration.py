"""Default narration, in English and Chinese, for steps a lesson leaves unnarrated.

An instructor can write ``- build: app`` and get one step per instruction;
each then needs a sentence that says what the instruction did to the stack.
These sentences are computed from the build itself (sizes, entry counts), so
they are never out of date with the Dockerfile.
"""

from __future__ import annotations

import re

from app.build import BuildStep
from app.render.sizes import human_size

from .model import Text


def _entries(n: int) -> str:
    return "1 entry" if n == 1 else f"{n:,} entries"


def _t(en: str, zh: str) -> Text:
    return Text(en=en, zh=zh)


# COPY's flags come before its sources: ``COPY --chown=1 --from=builder /out /app``.
_FROM_FLAG = re.compile(r"^\s*COPY(?:\s+--[a-z-]+(?:=\S*)?)*?\s+--from=(?P<stage>\S+)", re.IGNORECASE)


def copy_source(step: BuildStep) -> str | None:
    """The stage or image a ``COPY --from=`` copies from; None when it copies from the build context."""
    stage = getattr(step, "from_stage", None)
    if stage:
        return stage
    match = _FROM_FLAG.match(step.text)
    return match["stage"] if match else None


def _verbs(step: BuildStep) -> tuple[str, str]:
    """What a layer-making instruction did, in English and Chinese."""
    source = copy_source(step) if step.keyword == "COPY" else None
    if source and (":" in source or "/" in source):  # an image reference, not a stage name
        return f"copied files from the image `{source}`", f"从镜像 `{source}` 复制了文件"
    if source:
        return f"copied files from the stage `{source}`", f"从构建阶段 `{source}` 复制了文件"
    verb_en = {"RUN": "ran the command and kept what it changed", "COPY": "copied files from the build context",
               "ADD": "added files", "WORKDIR": "created the working directory"}.get(step.keyword, "changed files")
    verb_zh = {"RUN": "执行了命令，并保存它改动的内容", "COPY": "从构建上下文复制了文件",
               "ADD": "添加了文件", "WORKDIR": "创建了工作目录"}.get(step.keyword, "改动了文件")
    return verb_en, verb_zh


def for_build_step(step: BuildStep) -> Text:
    kw = step.keyword
    image = step.image
    if kw == "FROM":
        if image.base == "scratch" and not image.layers:
            return _t(
                "`FROM scratch` starts from nothing: no rootfs, no files at all. The image will hold only what the next instructions add.",
                "`FROM scratch` 从零开始：没有 rootfs，一个文件也没有。镜像里只会有后面的指令加入的内容。",
            )
        if image.layers:
            size = human_size(image.layers[0].size)
            files = len(image.layers[0])
            return _t(
                f"`{step.text}` puts the base image's rootfs at the bottom of the stack: {_entries(files)}, {size}. "
                "The kernel and bootfs are not in it: every container uses the host's.",
                f"`{step.text}` 把基础镜像的 rootfs 放在最底层：{files:,} 个条目，{size}。"
                "其中没有内核和 bootfs：所有容器都使用宿主机的。",
            )
        return _t(f"`{step.text}` starts from an earlier stage.", f"`{step.text}` 从前面的构建阶段开始。")
    if step.error:
        return _t(
            f"`{step.text}` failed, so the build stops here, as `docker build` does: {step.error}",
            f"`{step.text}` 执行失败，构建像 `docker build` 一样在此停止：{step.error}",
        )
    if step.created_layer:
        layer = image.layers[-1]
        size = human_size(layer.size)
        n = len(layer)
        verb_en, verb_zh = _verbs(step)
        return _t(
            f"`{kw}` {verb_en}: a new read-only layer on top, {_entries(n)}, {size}. The layers below do not change.",
            f"`{kw}` {verb_zh}：在顶部新增一个只读层，{n:,} 个条目，{size}。下面的层保持不变。",
        )
    return _t(
        f"`{kw}` changes only the image's configuration: no new filesystem layer (0B in `docker history`).",
        f"`{kw}` 只修改镜像的配置：不产生新的文件系统层（`docker history` 中显示 0B）。",
    )


def for_run(container: str, image: str) -> Text:
    return _t(
        f"`docker run` starts container `{container}` from image `{image}`: a new, empty, writable container layer on top of the image's read-only layers.",
        f"`docker run` 从镜像 `{image}` 启动容器 `{container}`：在镜像的只读层之上加一个新的、空的可写容器层。",
    )


def for_exec(command: str) -> Text:
    return _t(
        f"Inside the container: `{command}`. Every change lands in the container layer; the image layers stay as they are.",
        f"在容器内执行：`{command}`。所有改动都写入容器层；镜像层保持不变。",
    )


def for_show(names: list[str]) -> Text:
    joined = ", ".join(f"`{n}`" for n in names)
    if len(names) == 1:
        return _t(f"The image {joined}, as `docker images` lists it.", f"镜像 {joined}，即 `docker images` 列出的样子。")
    return _t(f"The images {joined} side by side, on one host.", f"镜像 {joined} 并排在同一台宿主机上。")


def for_rebuild(image: str, hits: list[bool | None]) -> Text:
    """A rebuild step: how many instructions the build cache reused."""
    reused = sum(1 for hit in hits if hit)
    again = sum(1 for hit in hits if hit is False)
    return _t(f"`docker build -t {image} .` again: {reused} step(s) CACHED, {again} run again. "
              "The first step whose key changed, and every step after it, is built anew.",
              f"再次执行 `docker build -t {image} .`：{reused} 个步骤命中缓存（CACHED），{again} 个重新执行。"
              "第一个缓存键改变的步骤及其后的所有步骤都会重新构建。")
