"""Generated build contexts and Dockerfiles for the Docker differential test, from a seed.

A seeded generator rather than hypothesis: each case costs a real ``docker
build``, so shrinking (hundreds of extra builds) is not affordable, and a seed
names a failing case exactly (``-k 'case[17]'`` rebuilds it).

Contexts: nested and empty directories, file modes, symlinks to a file, to a
directory and dangling, sometimes a ``.dockerignore``. Dockerfiles: COPY in
its forms (a file, a directory, ``.``, globs, several sources, ``--chmod``, a
glob matching nothing, into a WORKDIR-relative destination, ENV/ARG in the
destination), WORKDIR, RUN of file operations with busybox applets, and a
second stage that the final one copies from. Each case carries the numbered
differences of issue 10 it touches (``features``), so the test can tell a known
difference from a new one.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

FILE_MODES = (0o644, 0o600, 0o755, 0o640)
DIR_MODES = (0o755, 0o700, 0o750)
NAMES = ("a.txt", "b.log", "c.sh", "data.bin", "keep.txt")
DIRS = ("src", "src/lib", "conf", "logs", "src/lib/deep")


@dataclass
class Case:
    seed: int
    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    dirs: dict[str, int] = field(default_factory=dict)  # every directory written, with its mode
    symlinks: dict[str, str] = field(default_factory=dict)
    dockerignore: list[str] | None = None
    dockerfile: list[str] = field(default_factory=list)
    features: set[int] = field(default_factory=set)  # issue 10's numbered differences it touches
    clean: bool = False  # written to touch none of them: a difference here always fails
    command: str | None = None  # a container probe: docker run ... sh -c command

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(self.dirs):
            (folder / path).mkdir(parents=True, exist_ok=True)
        for path, (data, mode) in self.files.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(data)
            os.chmod(folder / path, mode)
        for path, target in self.symlinks.items():
            os.symlink(target, folder / path)
        if self.dockerignore is not None:
            (folder / ".dockerignore").write_text("\n".join(self.dockerignore) + "\n")
        (folder / "Dockerfile").write_text("\n".join(self.dockerfile) + "\n")
        for path in sorted(self.dirs, key=lambda p: -p.count("/")):  # modes last: 0700 stays writable to root
            os.chmod(folder / path, self.dirs[path])

    def text(self) -> str:
        lines = [f"seed {self.seed}, differences touched: {sorted(self.features) or 'none'}"]
        lines += [f"  file {p} {m:o} {len(d)} bytes" for p, (d, m) in sorted(self.files.items())]
        lines += [f"  dir {p} {m:o}" for p, m in sorted(self.dirs.items())]
        lines += [f"  symlink {p} -> {t}" for p, t in sorted(self.symlinks.items())]
        if self.dockerignore is not None:
            lines.append(f"  .dockerignore {self.dockerignore}")
        lines += ["  | " + line for line in self.dockerfile]
        if self.command:
            lines.append(f"  container: sh -c {self.command!r}")
        return "\n".join(lines)


def _context(rng: random.Random, case: Case) -> None:
    for d in rng.sample(DIRS, rng.randint(1, len(DIRS))):
        parts = d.split("/")
        for i in range(1, len(parts) + 1):
            case.dirs.setdefault("/".join(parts[:i]), 0o755)
        case.dirs[d] = 0o755 if case.clean else rng.choice(DIR_MODES)
    places = [""] + sorted(case.dirs)
    for _ in range(rng.randint(1, 6)):
        name = rng.choice(NAMES)
        where = rng.choice(places)
        path = f"{where}/{name}" if where else name
        body = (f"{path}\n" * rng.randint(0, 40)).encode()
        case.files[path] = (body, rng.choice(FILE_MODES))
    for path in list(case.dirs) if case.clean else []:  # every directory holds a file: none is empty
        case.files.setdefault(f"{path}/keep.txt", (b"kept\n", 0o644))
    if case.clean:
        _dockerignore(rng, case)
        return
    if rng.random() < 0.4:
        case.dirs["empty"] = rng.choice(DIR_MODES)
    if rng.random() < 0.4:
        case.symlinks["link.txt"] = rng.choice(sorted(case.files))
    if rng.random() < 0.3:
        case.symlinks["linkdir"] = rng.choice(sorted(case.dirs))
    if rng.random() < 0.15:
        case.symlinks["dangling"] = "nowhere/at/all"
    _dockerignore(rng, case)


def _dockerignore(rng: random.Random, case: Case) -> None:
    if rng.random() < 0.3:
        case.dockerignore = ["# generated"] + rng.sample(["*.log", "**/*.bin", "src/lib", "!src/lib/a.txt",
                                                         "conf/*", "!keep.txt", "logs"], rng.randint(1, 3))


def _a_file(rng: random.Random, case: Case) -> str:
    return rng.choice(sorted(case.files))


def _a_dir(rng: random.Random, case: Case) -> str:
    return rng.choice(sorted(case.dirs))


# Each form of COPY the generator writes: its lines, and the differences it always touches.
COPY_FORMS = {
    "dot": (lambda rng, case: ["COPY . /ctx/"], ()),
    "file": (lambda rng, case: [f"COPY {_a_file(rng, case)} /files/"], ()),
    "dir": (lambda rng, case: [f"COPY {_a_dir(rng, case)} /dir/"], ()),
    "glob": (lambda rng, case: ["COPY *.txt /globbed/"], ()),
    "several": (lambda rng, case: [f"COPY {' '.join(rng.sample(sorted(case.files), min(2, len(case.files))))} "
                                   "/several/"], ()),
    "chmod": (lambda rng, case: [f"COPY --chmod=700 {_a_dir(rng, case)} /moded/"], (5,)),
    "nomatch": (lambda rng, case: ["COPY *.nothing /none/"], (4,)),
    "relative": (lambda rng, case: ["WORKDIR /work", f"COPY {_a_file(rng, case)} sub/"], ()),
    "env": (lambda rng, case: ["ENV DEST=/from-env", f"COPY {_a_file(rng, case)} $DEST/"], ()),
}


def _copy_lines(rng: random.Random, case: Case) -> list[str]:
    lines = []
    dirs = sorted(case.dirs)
    forms = sorted(f for f, (_, touched) in COPY_FORMS.items() if not (case.clean and touched))
    for _ in range(rng.randint(1, 3)):
        write, touched = COPY_FORMS[rng.choice(forms)]
        lines += [line for line in write(rng, case) if not (line.startswith("WORKDIR") and line in lines)]
        case.features.update(touched)
    text = " ".join(lines)
    if case.symlinks and ("COPY . " in text or any(f"COPY {d} " in text for d in dirs)):
        case.features.add(1)
    if "COPY *.txt" in text and "link.txt" in case.symlinks:
        case.features.add(1)
    if any(m != 0o755 for m in case.dirs.values()) and "--chmod" in text:
        case.features.add(5)
    return lines


RUN_OPS = [
    "mkdir -p /made/a/b && touch /made/a/b/new",
    "echo hello > /hello.txt && chmod 600 /hello.txt",
    "rm -rf /var/spool",
    "rm /etc/shadow",
    "mv /etc/hostname /etc/hostname.old",
    "ln -s /etc/passwd /passwd-link",
    "cp /etc/passwd /etc/passwd.copy",
    "mkdir -p /tmp/x && rm -rf /tmp && mkdir /tmp",
    "chmod 700 /home",
]


def generate(seed: int) -> Case:
    """Case ``seed``; every third one is clean (it touches no numbered difference)."""
    rng = random.Random(seed)
    case = Case(seed, clean=seed % 3 == 0)
    _context(rng, case)
    two_stages = rng.random() < 0.3
    if two_stages:
        case.dockerfile += ["FROM busybox:1.36 AS maker", "RUN mkdir -p /out/empty /out/full && echo made > /out/full/f"]
    case.dockerfile.append("FROM busybox:1.36")
    case.dockerfile += _copy_lines(rng, case)
    if rng.random() < 0.5:
        case.dockerfile.append(f"RUN {rng.choice(RUN_OPS)}")
    if rng.random() < 0.3 and not case.clean:
        case.dockerfile += ["ARG V=1", "RUN echo $V > /v"]
        case.features.add(8)
    if rng.random() < 0.3:
        case.dockerfile.append("WORKDIR /brand/new" if case.clean else rng.choice(["WORKDIR /tmp", "WORKDIR /brand/new"]))
        if case.dockerfile[-1] == "WORKDIR /tmp":
            case.features.add(7)
    if two_stages:
        source = rng.choice(["/out/full"] if case.clean else ["/out/full", "/out/empty", "/out"])
        case.dockerfile.append(f"COPY --from=maker {source} /data/")
        if source == "/out/empty":
            case.features.add(6)
    if case.dockerignore is not None:
        case.features.add(3)
    if rng.random() < 0.3:  # not /etc/hostname: docker bind-mounts it into a container
        case.command = rng.choice([op for op in RUN_OPS if "hostname" not in op])
    return case


def add_context_features(case: Case, context) -> None:
    """The differences a case touches that depend on what the context holds once
    .dockerignore is applied (``context``: the simulator's, as layerlab build reads it):
    a directory copied that is empty or not 0755 (2), a source or glob that names nothing (4)."""
    from app.build.context import ContextDir, resolve

    for line in case.dockerfile:
        words = line.split()
        if words[0] != "COPY" or any(w.startswith("--from") for w in words):
            continue
        sources = [w for w in words[1:-1] if not w.startswith("--")]
        for source in sources:
            hits = resolve(context, source.replace("$DEST", ""))
            if not hits:
                case.features.add(4)
            nodes = [h.path for h in hits]
            for hit in hits:
                if isinstance(hit.entry, ContextDir) and (
                        hit.entry.mode != 0o755 or not any(n.startswith(hit.path + "/") for n in nodes)):
                    case.features.add(2)
