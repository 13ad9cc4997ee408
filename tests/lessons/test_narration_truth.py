"""The narration tells the truth about its step: what it claims, the trace shows.

Each claim is a pattern of words (English and Chinese) and a check on the
played frame: a layer made or not, a copy-up or not, the layer a read stopped
at, how many stacks are drawn, where a COPY took its files. Every step of every
bundled lesson is walked; a lesson under tests/ that lies on purpose must be
caught on every step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from app.lessons import LESSONS_DIR, lesson_files, load_lesson
from app.lessons.narration import copy_source
from app.lessons.player import Frame, PlayedLesson, play, played

WRONG = Path(__file__).parent / "wrong_narration" / "wrong-narration.yaml"


def _copied_up(frame: Frame) -> list:
    return [c for t in frame.traces for c in t.copied_up]


def _top(frame: Frame) -> int:
    return len(frame.images[0].layers) if frame.images else 0


def _reads(frame: Frame) -> list:
    return [t for t in frame.traces if t.op == "read"]


def _copy_from(frame: Frame) -> str | None:
    class _Step:  # copy_source reads only the instruction text
        text = frame.command
    return copy_source(_Step())


@dataclass
class Claim:
    says: str  # what the narration claims, for the failure message
    en: str  # regex over the English narration
    zh: str  # regex over the Chinese narration
    kinds: tuple[str, ...]  # the step kinds the words are a claim about
    holds: Callable[[Frame], bool]


CLAIMS = [
    Claim("no layer is made", r"\bno (new )?(filesystem )?layer\b", r"不产生新(的文件系统)?层", ("build",),
          lambda f: not f.new_layer),
    Claim("a layer is made", r"new read-only layer|another layer|layer of its own", r"新增一个只读层|新只读层|再加\**一层",
          ("build",), lambda f: f.new_layer),
    Claim("a copy-up happens", r"copied up|copy-on-write", r"复制到容器层|写时复制", ("exec",),
          lambda f: bool(_copied_up(f))),
    Claim("nothing is copied up", r"written straight|nothing is copied", r"直接写入", ("exec",),
          lambda f: not _copied_up(f)),
    Claim("the read goes down to an image layer", r"down\** to the image layer|stops at the first layer that has",
          r"下面的镜像层", ("exec",), lambda f: any(t.found_in is not None and t.found_in < _top(f) for t in _reads(f))),
    Claim("the read stops at the container layer", r"in the container layer, the search stops", r"在容器层里，查找停",
          ("exec",), lambda f: any(t.found_in == _top(f) for t in _reads(f))),
    Claim("the read meets a whiteout", r"meets the \**whiteout", r"遇到.{0,4}白障", ("exec",),
          lambda f: any(p.result == "whiteout" for t in _reads(f) for p in t.probes)),
    Claim("several stacks are drawn", r"side by side|both images|two images|both stages|same host", r"并排|两个镜像",
          ("build", "run", "exec", "show"), lambda f: len(f.images) >= 2),
    Claim("COPY takes files from the build context", r"from the build context", r"从构建上下文复制", ("build",),
          lambda f: not f.command.startswith("COPY") or _copy_from(f) is None),
    Claim("COPY takes files from another stage", r"from the stage `", r"从构建阶段 `", ("build",),
          lambda f: _copy_from(f) is not None),
]

# Mismatches in bundled lesson text, whose fix is a YAML edit (lessons/*.yaml): strict, so that the day the
# text is fixed this list must shrink.
KNOWN: dict[tuple[str, int], str] = {}  # steps whose narration is known to be wrong (none)


def false_claims(lesson: PlayedLesson, frame: Frame) -> list[str]:
    wrong = []
    for claim in CLAIMS:
        if frame.kind not in claim.kinds:
            continue
        for lang, pattern in (("en", claim.en), ("zh", claim.zh)):
            if re.search(pattern, frame.say.get(lang), re.IGNORECASE) and not claim.holds(frame):
                wrong.append(f"{lesson.id} step {frame.number} ({lang}) claims {claim.says}: {frame.command}")
    return wrong


BUNDLED = [played(p) for p in lesson_files(LESSONS_DIR)]
STEPS = [(lesson, frame) for lesson in BUNDLED for frame in lesson.frames]


@pytest.mark.parametrize("lesson,frame", [
    pytest.param(lesson, frame, id=f"{lesson.id}-{frame.number}",
                 marks=[pytest.mark.xfail(strict=True, reason=KNOWN[(lesson.id, frame.number)])]
                 if (lesson.id, frame.number) in KNOWN else [])
    for lesson, frame in STEPS])
def test_the_narration_of_every_step_matches_its_trace(lesson, frame):
    assert false_claims(lesson, frame) == []


def test_every_claim_is_made_somewhere():
    """A claim no lesson makes checks nothing: each pattern must match some narration, in the bundled
    lessons or in the lesson that lies on purpose (which makes the claims no true step makes today)."""
    frames = [f for _, f in STEPS] + list(play(load_lesson(WRONG)).frames)
    unused = [c.says for c in CLAIMS
              if not any(re.search(c.en, f.say.en, re.I) or re.search(c.zh, f.say.zh) for f in frames)]
    assert unused == []


def test_a_lesson_that_lies_is_caught_on_every_step():
    lesson = play(load_lesson(WRONG))
    caught = {frame.number: false_claims(lesson, frame) for frame in lesson.frames}
    narrated = [f.number for f in lesson.frames if f.kind != "run"]  # the run step keeps the computed narration
    assert [n for n in narrated if not caught[n]] == []
    assert caught[3] == []


def test_copy_from_a_stage_is_narrated_as_such():
    multi = next(lesson for lesson in BUNDLED if lesson.id == "multi-stage")
    frame = next(f for f in multi.frames if f.command.startswith("COPY --from=builder"))
    assert "from the stage `builder`" in frame.say.en and "build context" not in frame.say.en
    assert "从构建阶段 `builder`" in frame.say.zh
