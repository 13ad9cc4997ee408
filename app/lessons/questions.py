"""Questions put before a step: the author names what is asked, the engine knows the answer.

A lesson step may carry ``ask: {kind: ...}``. Nobody types an answer key: once
the lesson is played, each question is worked out from its frame (the trace of
the read, whether the build step made a layer, the image's size, the
container's ``docker diff``), so editing the Dockerfile changes the right
answer and never leaves a stale one. A question its step cannot answer (a
read question on a build step) is a problem at the line of its ``ask:``.

The web shows ``Question`` and calls ``grade``; nothing here knows HTML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.engine import Container, Image, Trace
from app.render.sizes import human_size
from app.runtime import container_diff

from .loader import Problem
from .model import AskSpec, Text

if TYPE_CHECKING:  # pragma: no cover
    from .player import Frame

READ_OPS = ("read", "stat", "readlink")  # operations that look a file up without changing it
NOT_FOUND = "none"
NO_CHANGES = "-"  # diff: docker diff prints nothing


def _t(en: str, zh: str) -> Text:
    return Text(en=en, zh=zh)


@dataclass(frozen=True)
class Choice:
    value: str  # what the form sends (a layer index, "yes", "C /etc/motd")
    label: Text


@dataclass(frozen=True)
class Question:
    """One question with its computed answer. ``choices`` is empty for a number question."""

    kind: str
    prompt: Text
    choices: tuple[Choice, ...]
    answer: tuple[str, ...]  # the right values (several for diff: every line it lists)
    why: Text  # one line, from the trace, shown with the answer
    multiple: bool = False  # diff: tick every line
    unit: str = ""  # size: "kB" or "MB", the unit the answer is typed in
    exact: float = 0.0  # size: the true size in that unit
    tolerance: int = 0  # size: percent either side

    def label(self, value: str, lang: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(lang)
        return f"{value} {self.unit}".strip()


@dataclass(frozen=True)
class Grade:
    """A student's answer held against the right one."""

    answered: bool  # False: the student asked to see the answer without giving one
    right: bool
    given: tuple[str, ...]
    problem: str = ""  # the answer could not be read (not a number, not one of the choices)


def grade(question: Question, given: list[str]) -> Grade:
    """Whether ``given`` (the form's values) is right; never raises on odd input."""
    values = tuple(v.strip() for v in given if v.strip())
    if not values:
        return Grade(answered=False, right=False, given=())
    if question.kind == "size":
        return _grade_size(question, values[0])
    known = {c.value for c in question.choices}
    if any(v not in known for v in values):
        return Grade(answered=True, right=False, given=(), problem="not one of the choices")
    if not question.multiple:
        values = values[:1]
    return Grade(answered=True, right=set(values) == set(question.answer), given=tuple(sorted(set(values))))


def _grade_size(question: Question, text: str) -> Grade:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return Grade(answered=True, right=False, given=(), problem="not a number")
    if not math.isfinite(number) or number < 0:
        return Grade(answered=True, right=False, given=(), problem="not a number")
    allowed = question.exact * question.tolerance / 100
    return Grade(answered=True, right=abs(number - question.exact) <= allowed, given=(f"{number:g}",))


# -- working the answer out of a frame ---------------------------------------------

class Unanswerable(Exception):
    """This step cannot answer this question; the message says why, for the author."""


def attach_questions(file: str, frames: list["Frame"]) -> list[Problem]:
    """Compute every frame's question; a question its step cannot answer is a problem at its line."""
    problems = []
    for frame in frames:
        if frame.ask is None:
            continue
        try:
            frame.question = question_for(frame.ask, frame)
        except Unanswerable as exc:
            problems.append(Problem(file, frame.ask_line or frame.spec_line or 1, f"ask: {frame.ask.kind}: {exc}"))
    return problems


def question_for(ask: AskSpec, frame: "Frame") -> Question:
    if frame.error:
        raise Unanswerable("this step fails, so there is nothing to predict")
    builders = {"read": _read, "layer": _layer, "size": _size, "diff": _diff}
    question = builders[ask.kind](ask, frame)
    if ask.text is not None:
        question = replace(question, prompt=ask.text)
    return question


def _need(frame: "Frame", kinds: tuple[str, ...], what: str) -> None:
    if frame.kind not in kinds:
        raise Unanswerable(f"{what}, and this is a {frame.kind} step")


def _layer_names(image: Image, container: Container | None) -> list[tuple[str, Text]]:
    """Every layer a read can be served from, top first, as (index, label)."""
    made_by: dict[int, str] = {}
    for i, entry in enumerate(image.history):
        index = image.layer_for_history(i)
        if index is not None:
            made_by[index] = entry.created_by
    out = []
    if container is not None:
        out.append((str(len(image.layers)), _t(f"the container layer ({container.name})", f"容器层（{container.name}）")))
    for index in reversed(range(len(image.layers))):
        if index < image.base_layers:
            made = f"FROM {image.base}"
        else:
            # docker history's "RUN /bin/sh -c echo hi" reads as the Dockerfile line "RUN echo hi"
            made = made_by.get(index, "").replace("/bin/sh -c ", "", 1).removeprefix("#(nop) ")
            made = made.removesuffix(" # buildkit").strip()
        made = made if len(made) <= 60 else made[:57] + "…"
        out.append((str(index), _t(f"layer {index}: {made}", f"第 {index} 层：{made}")))
    return out


def _read_trace(ask: AskSpec, frame: "Frame") -> Trace:
    reads = [t for t in frame.traces if t.op in READ_OPS and (ask.path is None or t.path == ask.path)]
    if not reads:
        wanted = f"no read of {ask.path}" if ask.path else "no read of any file"
        raise Unanswerable(f"the step's command makes {wanted}")
    return reads[0]


def _read(ask: AskSpec, frame: "Frame") -> Question:
    _need(frame, ("exec",), "a read question asks about a command in a container (an exec step)")
    trace = _read_trace(ask, frame)
    container = next(c for c in frame.containers if c.name == frame.target)
    layers = _layer_names(container.image, container)
    names = dict(layers)
    choices = tuple(Choice(v, label) for v, label in layers) + (
        Choice(NOT_FOUND, _t("no layer: No such file or directory", "哪一层都不是：No such file or directory")),)
    answer = NOT_FOUND if trace.found_in is None else str(trace.found_in)
    steps_en, steps_zh = [], []
    results = {"miss": ("nothing", "没有"), "found": ("found", "找到"), "dir": ("a directory", "目录"),
               "whiteout": ("a whiteout: stop", "白障：停止"), "opaque": ("opaque: stop", "不透明目录：停止"),
               "hidden": ("not searched", "不查找")}
    # The probes are of the path the search ended on: a symlink's target (/etc/os-release -> /usr/lib/os-release).
    searched = trace.probes[-1].path if trace.probes else trace.path
    for probe in trace.probes:
        if probe.path != searched or probe.result == "hidden":
            continue
        if steps_en and steps_en[-1].endswith(("found", "stop")):
            break  # the search stopped there; the kernel looks no further down
        en, zh = results[probe.result]
        name = names.get(str(probe.layer))
        steps_en.append(f"{name.get('en').split(':')[0] if name else probe.layer}: {en}")
        steps_zh.append(f"{name.get('zh').split('：')[0] if name else probe.layer}：{zh}")
    return Question(
        kind="read",
        prompt=_t(f"Which layer will this command read `{trace.path}` from?",
                  f"这条命令会从哪一层读到 `{trace.path}`？"),
        choices=choices, answer=(answer,),
        why=_t(f"The search for {searched} goes from the top down: {'; '.join(steps_en)}.",
               f"从上往下查找 {searched}：{'；'.join(steps_zh)}。"),
    )


def _layer(ask: AskSpec, frame: "Frame") -> Question:
    _need(frame, ("build",), "a layer question asks about a Dockerfile instruction (a build step)")
    keyword = frame.command.split(None, 1)[0].upper() if frame.command.strip() else "?"
    image = frame.images[0]
    if frame.new_layer:
        size = human_size(image.layers[-1].size)
        why = _t(f"{keyword} changes files, so its changes are kept in a new read-only layer of {size}.",
                 f"{keyword} 改变了文件，这些改变存进一个新的只读层，大小 {size}。")
    else:
        why = _t(f"{keyword} changes only the image's configuration: no new layer (0B in docker history).",
                 f"{keyword} 只修改镜像的配置：不产生新层（docker history 中为 0B）。")
    return Question(
        kind="layer",
        prompt=_t("Will this instruction create a new layer?", "这条指令会产生一个新层吗？"),
        choices=(Choice("yes", _t("Yes, a new layer", "会，产生新层")),
                 Choice("no", _t("No, only the image's configuration changes", "不会，只修改镜像配置"))),
        answer=("yes" if frame.new_layer else "no",), why=why,
    )


def _size(ask: AskSpec, frame: "Frame") -> Question:
    _need(frame, ("build", "show"), "a size question asks about an image after a build or show step")
    image = frame.images[0]
    unit, scale = ("kB", 1000) if image.size < 1_000_000 else ("MB", 1_000_000)
    exact = image.size / scale
    parts = " + ".join(human_size(layer.size) for layer in image.layers) or "0 B"
    return Question(
        kind="size",
        prompt=_t(f"How big is the image `{image.name}` after this step (in {unit}, as docker images says)?",
                  f"这一步之后镜像 `{image.name}` 有多大（单位 {unit}，和 docker images 一样）？"),
        choices=(), answer=(f"{exact:.3g}",), unit=unit, exact=exact, tolerance=ask.tolerance,
        why=_t(f"docker images adds up every layer: {parts} = {human_size(image.size)} "
               f"(answers within {ask.tolerance}% count).",
               f"docker images 把每一层加起来：{parts} = {human_size(image.size)}（误差 {ask.tolerance}% 以内都算对）。"),
    )


_OTHER_LETTER = {"A": "C", "C": "A", "D": "C"}


def _diff(ask: AskSpec, frame: "Frame") -> Question:
    _need(frame, ("exec", "run"), "a diff question asks about a container (a run or exec step)")
    container = next(c for c in frame.containers if c.name == frame.target)
    lines = [f"{c.letter} {c.path}" for c in container_diff(container)]
    # The wrong choices are computed too: each listed path with the letter a student might confuse it
    # with, and every path this step only read (a read changes nothing).
    wrong = {f"{_OTHER_LETTER[line[0]]} {line[2:]}" for line in lines}
    wrong |= {f"C {t.path}" for t in frame.traces if t.op in READ_OPS}
    values = sorted(set(lines) | wrong, key=lambda v: (v[2:], v[0]))
    listed = ", ".join(lines) if lines else "nothing"
    choices = (Choice(NO_CHANGES, _t("nothing: no line at all", "什么都不输出")),) + tuple(Choice(v, _t(v, v)) for v in values)
    return Question(
        kind="diff",
        prompt=_t(f"Which lines does `docker diff {container.name}` print now? Tick every one.",
                  f"现在 `docker diff {container.name}` 会输出哪些行？全部勾选。"),
        choices=choices, answer=tuple(lines) or (NO_CHANGES,), multiple=True,
        why=_t(f"The container layer holds {listed}: A added, C changed (copied up), D deleted (a whiteout).",
               f"{'容器层里有 ' + listed if lines else '容器层是空的'}：A 新增，C 修改（复制上来的），D 删除（白障）。"),
    )
