""".dockerignore against the daemon: which paths ``COPY . /c/`` copies, for generated patterns.

The context read by ``from_folder`` (app.build.dockerignore applied) must hold exactly the
paths BuildKit sends. Comparing path sets only: modes and types are the differential test's.
"""

from __future__ import annotations

import os
import random

import pytest

from app.build import ContextError, from_folder
from docker_compare import docker_merged

PATTERNS = ["*.log", "**/*.log", "!keep.log", "!**/keep.log", "sub", "sub/*", "!sub/deep", "sub/**/x.*",
            "*", "!a.txt", "Dockerfile", ".dockerignore", "/sub/deep/", "# comment", "d?ep", "**/deep",
            "!sub/deep/x.log", "[ab].txt", "sub/deep/../y.txt", "!", "empty"]
FILES = ["a.txt", "b.txt", "x.log", "keep.log", "sub/y.txt", "sub/keep.log", "sub/deep/x.log", "sub/deep/z.bin"]
CASES = int(os.environ.get("LAYERLAB_DOCKER_EXAMPLES", "12")) // 3 or 1


def _context(folder, rng: random.Random) -> list[str]:
    folder.mkdir()
    for name in FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name)
    (folder / "empty").mkdir()
    (folder / "Dockerfile").write_text("FROM busybox:1.36\nCOPY . /c/\n")
    patterns = rng.sample(PATTERNS, rng.randint(1, 5))
    (folder / ".dockerignore").write_text("\n".join(patterns) + "\n")
    return patterns


@pytest.mark.parametrize("seed", range(max(CASES, 4)), ids=lambda s: f"patterns[{s}]")
def test_dockerignore_agrees_with_docker(dockerd, tmp_path, seed):
    patterns = _context(tmp_path / "ctx", random.Random(seed))
    tag = f"ignore{seed}"
    built = dockerd.build(tmp_path / "ctx", tag)
    if built.returncode != 0:
        assert "illegal exclusion pattern" in built.stderr.decode(), built.stderr.decode()[-500:]
        with pytest.raises(ContextError, match="illegal exclusion pattern"):
            from_folder(tmp_path / "ctx")
        return
    try:
        sent = {e["path"][len("/c/"):] for e in docker_merged(dockerd, tag) if e["path"].startswith("/c/")}
    finally:
        dockerd.docker("rmi", "-f", tag, check=False)
    assert set(from_folder(tmp_path / "ctx")) == sent, f"patterns {patterns}"
