"""Real Dockerfiles from official images build in the simulator, pasted without their world.

Their build contexts are missing, their base images are often not in the
catalog, and their RUN lines call tools layerlab does not simulate: every one
must still build, with placeholders and "not simulated" notes, never an
exception. The files are read from ../shared/conformance/real.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("LAYERLAB_SHARED", Path(__file__).resolve().parents[3] / "shared"))

REAL = sorted((SHARED / "conformance" / "real").glob("*.Dockerfile")) if SHARED.is_dir() else []

# Files that a real `docker build` refuses without a build argument (they say so and exit 1):
# they are built here the way their README builds them.
BUILD_ARGS = {
    "nginxinc__docker-nginx__modules__Dockerfile": {"ENABLED_MODULES": "geoip"},
    "nginxinc__docker-nginx__modules__Dockerfile.alpine": {"ENABLED_MODULES": "geoip"},
}


@pytest.mark.skipif(not REAL, reason="../shared/conformance/real is not beside the project")
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name.replace(".Dockerfile", ""))
def test_a_real_dockerfile_builds_in_the_simulator(path):
    from app.build import build

    args = BUILD_ARGS.get(path.name.replace(".Dockerfile", ""), {})
    result = build(path.read_text(), {}, filename=path.name, build_args=args, context_partial=True)
    assert result.stages, "at least one stage"
    if result.failed is not None:
        step = result.failed
        pytest.fail(f"{path.name}:{step.line}: {step.keyword} failed in the simulator: {step.error}")
    final = result.stages[-1]
    assert final.final and final.image.history
