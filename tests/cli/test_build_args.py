"""``--build-arg K=V`` on ``layerlab build`` and ``parse``, as docker build reads it."""

from __future__ import annotations

import pytest

from test_cli import layerlab


@pytest.mark.parametrize("name", ["nginxinc__docker-nginx__modules__Dockerfile.Dockerfile",
                                  "nginxinc__docker-nginx__modules__Dockerfile.alpine.Dockerfile"])
def test_build_arg_builds_the_nginx_modules_dockerfiles(shared_dir, name):
    """Without ENABLED_MODULES their first RUN exits 1, as docker's does; with it they build."""
    path = shared_dir / "conformance" / "real" / name
    done = layerlab("build", "--build-arg", "ENABLED_MODULES=brotli", str(path))
    assert done.returncode == 0, done.stderr
    refused = layerlab("build", str(path))
    assert refused.returncode == 1
    assert "No additional modules enabled" in refused.stderr + refused.stdout


def test_parse_refuses_a_base_that_the_build_args_leave_blank(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("ARG BASE\nFROM ${BASE}\n")
    blank = layerlab("parse", str(path))
    assert blank.returncode == 1 and f"{path}:2:1: base name (${{BASE}}) should not be blank" in blank.stderr
    assert layerlab("parse", "--build-arg", "BASE=busybox", str(path)).returncode == 0
