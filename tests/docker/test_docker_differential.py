"""The build simulator against a real Docker daemon (docker.io 20.10, BuildKit, overlay2).

Each generated case (case_generator.py) is built by the daemon and by the
simulator; their histories (created_by, empty_layer), every layer's changeset
(paths, types, modes, sizes, symlink targets, whiteouts, opaque dirs, bytes)
and the merged view of the image must agree, and so must the container layer
of a ``docker run`` (``docker diff`` and ``docker export``) and the lesson
player's run/exec. What is not compared, and why: docker_compare.NOT_COMPARED.

Cases: 300 by default, as issue 10 asks (each a real build, save, create
and export: about 0.8 s a case on an idle core, four minutes in all), more
with LAYERLAB_DOCKER_EXAMPLES=3000. A case that touches one of the differences
KNOWN below and differs is an expected failure naming it; a difference in a
case that touches none of them fails. Remove a number from KNOWN once the
builder fixes it: its cases must then agree.
"""

from __future__ import annotations

import os
import shutil

import pytest

from app.cli import read_context

from case_generator import add_context_features, generate
from docker_compare import (docker_container, docker_image, docker_merged, diff_differences,
                            entry_differences, image_differences, simulator_container, simulator_image)

EXAMPLES = int(os.environ.get("LAYERLAB_DOCKER_EXAMPLES", "300"))

# Issue 10's numbered differences still open (each fix lies in app/build: copy.py, config_steps.py,
# run_step.py). All eight are fixed; a number comes back here only with a reason.
KNOWN: dict[int, str] = {}


def _compare(dockerd, case, folder) -> list[str]:
    tag = f"case{case.seed}"
    built = dockerd.build(folder, tag)
    sim, sim_error = simulator_image(folder)
    if built.returncode != 0 or sim is None:
        if built.returncode != 0 and sim is None:
            return []  # both refuse it (the message is not compared)
        log = built.stderr.decode(errors="replace").strip().splitlines()[-3:]
        return [f"build: docker {'failed: ' + ' | '.join(log) if built.returncode else 'built'}, "
                f"simulator {'failed: ' + sim_error if sim is None else 'built'}"]
    try:
        differences = image_differences(docker_image(dockerd, tag), sim)
        differences += entry_differences("merged", docker_merged(dockerd, tag), sim["merged"], merged=True)
        if case.command:
            d_diff, d_export, d_status = docker_container(dockerd, tag, case.command)
            s_diff, s_merged, s_status = simulator_container(folder, case.command)
            if d_status != s_status:
                differences.append(f"container: exit status docker {d_status}, simulator {s_status}")
            differences += diff_differences(d_diff, s_diff)
            differences += entry_differences("container export", d_export, s_merged, merged=True)
    finally:
        dockerd.docker("rmi", "-f", tag, check=False)
    return differences


@pytest.mark.parametrize("seed", range(EXAMPLES), ids=lambda s: f"case[{s}]")
def test_build_agrees_with_docker(dockerd, tmp_path, seed):
    case = generate(seed)
    folder = tmp_path / "ctx"
    case.write(folder)
    add_context_features(case, read_context(folder))
    try:
        differences = _compare(dockerd, case, folder)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)
    if differences:
        report = case.text() + "\n" + "\n".join(differences[:40])
        known = sorted(case.features & set(KNOWN))
        if known:
            pytest.xfail("issue 10 difference " + ", ".join(f"{n} ({KNOWN[n]})" for n in known) + "\n" + report)
        pytest.fail("a difference no known one explains:\n" + report)
