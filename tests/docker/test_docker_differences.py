"""One test per numbered difference of issue 10, each against the Docker daemon and, without it,
against what the daemon was seen to do (the simulator-only twin, which runs everywhere).

Every daemon test first asserts Docker's own behaviour (so the oracle is checked
too), then the simulator's. A difference still listed in KNOWN (test_docker_differential)
is an expected failure naming it; remove it there once the builder fixes it.
"""

from __future__ import annotations

import os

import pytest

from app.build import ContextDir, ContextFile, ContextSymlink, build
from app.build.dockerignore import apply_dockerignore
from app.engine.changeset import image_json
from docker_compare import docker_image, docker_merged, simulator_image
from test_docker_differential import KNOWN


def expect(number: int, problems: list[str]) -> None:
    """Fail on ``problems``, or xfail while difference ``number`` is known."""
    if not problems:
        return
    if number in KNOWN:
        pytest.xfail(f"issue 10 difference {number} ({KNOWN[number]}): " + "; ".join(problems))
    pytest.fail("\n".join(problems))


def write(folder, entries: dict) -> None:
    """A context folder: bytes for a file, ("dir", mode), ("link", target)."""
    folder.mkdir()
    for path, spec in entries.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, bytes):
            target.write_bytes(spec)
        elif spec[0] == "dir":
            target.mkdir(exist_ok=True)
            os.chmod(target, spec[1])
        else:
            os.symlink(spec[1], target)


def both(dockerd, folder, tag="diff"):
    """Docker's history and merged view, and the simulator's ``layerlab build --json`` (or error)."""
    built = dockerd.build(folder, tag)
    sim, error = simulator_image(folder)
    if built.returncode != 0:
        return built, None, None, sim, error
    try:
        return built, docker_image(dockerd, tag), {e["path"]: e for e in docker_merged(dockerd, tag)}, sim, error
    finally:
        dockerd.docker("rmi", "-f", tag, check=False)


def merged(sim: dict | None) -> dict:
    return {e["path"]: e for e in sim["merged"]} if sim else {}


def sim_build(dockerfile: str, context: dict) -> dict:
    result = build(dockerfile, context)
    assert result.failed is None, result.failed.error
    return image_json(result.image)


def kind(view: dict, path: str) -> tuple | None:
    e = view.get(path)
    return None if e is None else (e["type"], e.get("target") if e["type"] == "symlink" else e["mode"])


# -- 1: symlinks of the context stay symlinks -----------------------------------------------
SYMLINKS = "FROM busybox:1.36\nCOPY . /c/\n"
SYMLINK_FACTS = {"/c/link.txt": ("symlink", "a.txt"), "/c/dlink": ("symlink", "sub")}


def _diff1_problems(view: dict) -> list[str]:
    return [f"{p}: {kind(view, p)}, docker {want}" for p, want in SYMLINK_FACTS.items() if kind(view, p) != want]


def test_diff1_context_symlinks_kept(dockerd, tmp_path):
    write(tmp_path / "ctx", {"a.txt": b"a\n", "sub/x": b"x\n", "link.txt": ("link", "a.txt"),
                             "dlink": ("link", "sub"), "Dockerfile": SYMLINKS.encode()})
    _, _, d_merged, sim, error = both(dockerd, tmp_path / "ctx")
    assert _diff1_problems(d_merged) == [], "docker keeps context symlinks as symlinks"
    expect(1, _diff1_problems(merged(sim)) or ([error] if error else []))


def test_diff1_context_symlinks_kept_simulator():
    context = {"a.txt": ContextFile.text("a\n"), "sub/x": ContextFile.text("x\n"),
               "link.txt": ContextSymlink("a.txt"), "dlink": ContextSymlink("sub")}
    expect(1, _diff1_problems(merged(sim_build(SYMLINKS, context))))


# -- 2: empty directories of the context are created, with their modes ------------------------
EMPTY = "FROM busybox:1.36\nCOPY . /c/\nRUN ls /c/empty\n"


def _diff2_problems(view: dict) -> list[str]:
    return [] if kind(view, "/c/empty") == ("dir", "0700") else [f"/c/empty: {kind(view, '/c/empty')}, docker a 0700 dir"]


def test_diff2_context_empty_dirs_kept(dockerd, tmp_path):
    write(tmp_path / "ctx", {"empty": ("dir", 0o700), "Dockerfile": EMPTY.encode()})
    built, _, d_merged, sim, error = both(dockerd, tmp_path / "ctx")
    assert built.returncode == 0 and _diff2_problems(d_merged) == []
    expect(2, [error] if error else _diff2_problems(merged(sim)))


def test_diff2_context_empty_dirs_kept_simulator():
    result = build(EMPTY, {"empty": ContextDir(0o700)})
    expect(2, [result.failed.error] if result.failed else _diff2_problems(merged(image_json(result.image))))


# -- 3: .dockerignore -------------------------------------------------------------------------
IGNORE = "# logs stay home\n*.log\n!keep.log\n"
IGNORE_FACTS = {"/c/a.txt": True, "/c/keep.log": True, "/c/x.log": False, "/c/.dockerignore": True,
                "/c/Dockerfile": True}
IGNORE_ALL = "*\n!a.txt\n"  # excludes the Dockerfile and .dockerignore themselves: BuildKit leaves them out


def _diff3_problems(view: dict, facts: dict) -> list[str]:
    return [f"{p}: {'present' if p in view else 'absent'}, docker {'present' if want else 'absent'}"
            for p, want in facts.items() if (p in view) != want]


@pytest.mark.parametrize("patterns, facts", [
    (IGNORE, IGNORE_FACTS),
    (IGNORE_ALL, {"/c/a.txt": True, "/c/x.log": False, "/c/Dockerfile": False, "/c/.dockerignore": False}),
], ids=["exception", "dockerfile-itself"])
def test_diff3_dockerignore_applied(dockerd, tmp_path, patterns, facts):
    write(tmp_path / "ctx", {"a.txt": b"a\n", "x.log": b"x\n", "keep.log": b"k\n", ".dockerignore": patterns.encode(),
                             "Dockerfile": b"FROM busybox:1.36\nCOPY . /c/\n"})
    _, _, d_merged, sim, error = both(dockerd, tmp_path / "ctx")
    assert _diff3_problems(d_merged, facts) == []
    expect(3, [error] if error else _diff3_problems(merged(sim), facts))


def test_diff3_dockerignore_applied_simulator():
    context = apply_dockerignore({"a.txt": ContextFile.text("a\n"), "x.log": ContextFile.text("x\n"),
                                  "keep.log": ContextFile.text("k\n"), ".dockerignore": ContextFile.text(IGNORE),
                                  "Dockerfile": ContextFile.text("FROM busybox:1.36\nCOPY . /c/\n")})
    expect(3, _diff3_problems(merged(sim_build("FROM busybox:1.36\nCOPY . /c/\n", context)), IGNORE_FACTS))


# -- 4: a glob that matches nothing, a missing source ------------------------------------------
NOMATCH = "FROM busybox:1.36\nCOPY *.log /logs/\n"
MISSING = "FROM busybox:1.36\nCOPY missing.txt /m\n"


def _diff4_problems(sim: dict) -> list[str]:
    view = merged(sim)
    return [f"{p} exists; docker creates nothing" for p in ("/logs", "/logs/*.log") if p in view]


def test_diff4_copy_glob_matching_nothing(dockerd, tmp_path):
    write(tmp_path / "ctx", {"a.txt": b"a\n", "Dockerfile": NOMATCH.encode()})
    built, d_history, d_merged, sim, error = both(dockerd, tmp_path / "ctx")
    assert built.returncode == 0 and "/logs" not in d_merged
    assert d_history[-1]["entries"] == [], "docker records a layer with nothing in it"
    expect(4, [error] if error else _diff4_problems(sim))


def test_diff4_copy_missing_source_fails(dockerd, tmp_path):
    write(tmp_path / "ctx", {"a.txt": b"a\n", "Dockerfile": MISSING.encode()})
    built, _, _, sim, error = both(dockerd, tmp_path / "ctx")
    assert built.returncode != 0 and '"/missing.txt" not found' in built.stderr.decode()
    expect(4, [] if sim is None else ["the simulator builds it (with a placeholder); docker fails"])


def test_diff4_copy_glob_matching_nothing_simulator():
    expect(4, _diff4_problems(sim_build(NOMATCH, {"a.txt": ContextFile.text("a\n")})))


def test_diff4_copy_missing_source_fails_simulator():
    result = build(MISSING, {"a.txt": ContextFile.text("a\n")})
    expect(4, [] if result.failed else ["the simulator builds it (with a placeholder); docker fails"])


# -- 5: COPY --chmod applies to the copied directories too ------------------------------------
CHMOD = "FROM busybox:1.36\nCOPY --chmod=700 d /app/\n"


def _diff5_problems(view: dict) -> list[str]:
    want = {"/app/sub": ("dir", "0700"), "/app/sub/f": ("file", "0700")}
    return [f"{p}: {kind(view, p)}, docker {w}" for p, w in want.items() if kind(view, p) != w]


def test_diff5_copy_chmod_applies_to_directories(dockerd, tmp_path):
    write(tmp_path / "ctx", {"d/sub/f": b"f\n", "Dockerfile": CHMOD.encode()})
    built, _, d_merged, sim, error = both(dockerd, tmp_path / "ctx")
    assert built.returncode == 0 and _diff5_problems(d_merged) == []
    expect(5, [error] if error else _diff5_problems(merged(sim)))


def test_diff5_copy_chmod_applies_to_directories_simulator():
    expect(5, _diff5_problems(merged(sim_build(CHMOD, {"d/sub/f": ContextFile.text("f\n")}))))


# -- 6: COPY --from of an empty directory creates the destination ------------------------------
FROM_EMPTY = ("FROM busybox:1.36 AS maker\nRUN mkdir -p /out/empty\n"
              "FROM busybox:1.36\nCOPY --from=maker /out/empty /data/\n")


def _diff6_problems(view: dict) -> list[str]:
    return [] if kind(view, "/data") == ("dir", "0755") else [f"/data: {kind(view, '/data')}, docker a 0755 dir"]


def test_diff6_copy_from_empty_directory(dockerd, tmp_path):
    write(tmp_path / "ctx", {"Dockerfile": FROM_EMPTY.encode()})
    built, _, d_merged, sim, error = both(dockerd, tmp_path / "ctx")
    assert built.returncode == 0 and _diff6_problems(d_merged) == []
    expect(6, [error] if error else _diff6_problems(merged(sim)))


def test_diff6_copy_from_empty_directory_simulator():
    expect(6, _diff6_problems(merged(sim_build(FROM_EMPTY, {}))))


# -- 7: WORKDIR of an existing directory records a layer ---------------------------------------
WORKDIR = "FROM busybox:1.36\nWORKDIR /tmp\n"


def _diff7_problems(layers: list[dict]) -> list[str]:
    last = layers[-1]
    ok = last["created_by"] == "WORKDIR /tmp" and not last["empty_layer"]
    return [] if ok else [f"last history entry {last['created_by']!r} empty_layer={last['empty_layer']}; "
                          "docker 'WORKDIR /tmp' with a layer"]


def test_diff7_workdir_existing_records_layer(dockerd, tmp_path):
    write(tmp_path / "ctx", {"Dockerfile": WORKDIR.encode()})
    built, d_history, _, sim, error = both(dockerd, tmp_path / "ctx")
    assert built.returncode == 0 and _diff7_problems(d_history) == []
    expect(7, [error] if error else _diff7_problems(sim["layers"]))


def test_diff7_workdir_existing_records_layer_simulator():
    expect(7, _diff7_problems(sim_build(WORKDIR, {})["layers"]))


# -- 8: RUN after ARG carries the build args in created_by ------------------------------------
ARG_RUN = "FROM busybox:1.36\nARG V=1\nRUN echo $V > /v\n"
ARG_CREATED_BY = "RUN |1 V=1 /bin/sh -c echo $V > /v # buildkit"


def _diff8_problems(layers: list[dict]) -> list[str]:
    got = layers[-1]["created_by"]
    return [] if got == ARG_CREATED_BY else [f"created_by {got!r}, docker {ARG_CREATED_BY!r}"]


def test_diff8_run_created_by_has_build_args(dockerd, tmp_path):
    write(tmp_path / "ctx", {"Dockerfile": ARG_RUN.encode()})
    built, d_history, _, sim, error = both(dockerd, tmp_path / "ctx")
    assert built.returncode == 0 and _diff8_problems(d_history) == []
    expect(8, [error] if error else _diff8_problems(sim["layers"]))


def test_diff8_run_created_by_has_build_args_simulator():
    expect(8, _diff8_problems(sim_build(ARG_RUN, {})["layers"]))
