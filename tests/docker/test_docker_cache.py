"""Which instructions BuildKit reuses after an edit: app.build.cache_keys against real Docker.

A chain of builds of one generated project (LAYERLAB_CACHE_EDITS edits, default 3, so
4 docker builds): each build changes one thing of the one before it, the text of an
instruction, an ARG value (--build-arg), a context file's bytes or its mode. Docker's
``--progress=plain`` output names each step ``[i/n] TEXT`` and prints ``CACHED`` for the
ones it reused; layerlab's answer is the steps whose key any earlier build of the chain
made. The two sets must be equal, and so must the number of steps. FROM is left out:
BuildKit prints CACHED for it only sometimes (the base is never rebuilt either way).
"""

from __future__ import annotations

import os
import random
import re

import pytest

from app.build.cache_keys import cache_keys, cached
from app.cli import read_context

EDITS = int(os.environ.get("LAYERLAB_CACHE_EDITS", "3"))
SEED = int(os.environ.get("LAYERLAB_CACHE_SEED", "7"))
FILES = {"a.txt": "alpha\n", "b.txt": "beta\n", "app/main.sh": "echo main\n", "app/util.sh": "echo util\n"}
POOL = ["COPY a.txt /a", "COPY app/ /app/", "RUN echo {word} > /w1", "ENV E={word}", "RUN echo $E > e",
        "COPY b.txt b", "RUN echo $V > v", "WORKDIR /srv", "COPY . /all/", "RUN ls / > list"]
LINE = re.compile(r"^#(\d+) \[(\d+)/(\d+)\] ")


class Project:
    def __init__(self, rng: random.Random, folder):
        self.rng, self.folder = rng, folder
        self.lines = ["FROM busybox:1.36", f"WORKDIR /chain-{rng.randrange(10**6)}", "ARG V=1"]
        self.lines += [line.format(word=rng.choice(["x", "y"])) for line in rng.sample(POOL, 7)]
        self.files = {name: (text, 0o644) for name, text in FILES.items()}
        self.build_args = {}

    def write(self) -> None:
        for name, (text, mode) in self.files.items():
            path = self.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            os.chmod(path, mode)
        (self.folder / "Dockerfile").write_text("\n".join(self.lines) + "\n")

    def edit(self) -> str:
        kind = self.rng.choice(["text", "arg", "content", "mode"])
        if kind == "text":
            i = self.rng.choice([i for i, line in enumerate(self.lines) if line.startswith(("RUN echo", "ENV"))] or [2])
            self.lines[i] = self.lines[i].replace("x", "z", 1) if "x" in self.lines[i] else self.lines[i] + "q"
            return f"text of line {i + 1}: {self.lines[i]}"
        if kind == "arg":
            self.build_args = {"V": str(self.rng.randrange(2, 99))}
            return f"--build-arg V={self.build_args['V']}"
        name = self.rng.choice(sorted(self.files))
        text, mode = self.files[name]
        self.files[name] = (text + "more\n", mode) if kind == "content" else (text, mode ^ 0o100)
        return f"{kind} of {name}"


def docker_cached(output: str) -> tuple[set[int], int]:
    """(the [i/n] numbers printed CACHED, n) from --progress=plain output."""
    number_of, total, hit = {}, 0, set()
    for line in output.splitlines():
        if m := LINE.match(line):
            number_of[m.group(1)] = int(m.group(2))
            total = int(m.group(3))
        elif line.endswith(" CACHED") and line.split()[0][1:] in number_of:
            hit.add(number_of[line.split()[0][1:]])
    return hit - {1}, total


def test_cached_steps_agree_with_buildkit(dockerd, tmp_path):
    project = Project(random.Random(SEED), tmp_path / "project")
    seen: set[str] = set()
    story = []
    for build in range(EDITS + 1):
        what = project.edit() if build else "first build"
        project.write()
        args = [a for k, v in project.build_args.items() for a in ("--build-arg", f"{k}={v}")]
        done = dockerd.docker("build", "--network", "none", "--progress", "plain", *args, "-t", "chain",
                              str(project.folder), check=False)
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-1500:]
        docker_hits, total = docker_cached(done.stderr.decode(errors="replace"))
        steps = cache_keys("\n".join(project.lines) + "\n", read_context(project.folder),
                           build_args=project.build_args)
        ours = {s.vertex for s, hit in zip(steps, cached(steps, seen)) if hit and s.vertex != 1}
        story.append(f"build {build} ({what}): docker {sorted(docker_hits)}, layerlab {sorted(ours)}")
        assert max(s.vertex or 0 for s in steps) == total, "\n".join(project.lines)
        assert ours == docker_hits, "\n".join(project.lines + story)
        seen |= {s.key for s in steps if s.key}
    dockerd.docker("rmi", "-f", "chain", check=False)
    print("\n".join(story))
