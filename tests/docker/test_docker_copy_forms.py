"""COPY forms beyond the generator's, each built by the daemon and by the simulator, compared
in full (history, every layer, the merged view) with the differential test's comparisons.

Not checkable here: ``--link``, ``--parents`` and ``--exclude`` (docker.io 20.10's BuildKit 0.8
refuses them: "Unknown flag"), symbolic ``--chmod`` (0.8 ignores it; newer BuildKit applies it).
"""

from __future__ import annotations

import pytest

from docker_compare import docker_image, docker_merged, entry_differences, image_differences, simulator_image
from test_docker_differences import write

CONTEXT = {"a.txt": b"a\n", "d/sub/g": b"g\n", "d/link": ("link", "sub/g"), "d/empty": ("dir", 0o700)}
FORMS = {
    "dest-symlink-to-dir": "FROM busybox:1.36\nRUN ln -s /etc /L\nCOPY a.txt /L/\nCOPY d /f\n",
    "dest-existing-file": "FROM busybox:1.36\nRUN echo old > /f\nCOPY a.txt /f\n",
    "chmod-tree": "FROM busybox:1.36\nCOPY --chmod=700 d /app/\nCOPY --chmod=600 a.txt /etc/x/\n",
    "from-tree-and-symlinks": ("FROM busybox:1.36 AS m\nRUN mkdir -p /o/e && ln -s e /o/l && ln -s /o/e /top "
                               "&& chmod 700 /o/e && echo x > /o/f\nFROM busybox:1.36\nCOPY --from=m /o /d1/\n"
                               "COPY --from=m /top /d2/\nCOPY --from=m /o/l /d3\nCOPY --from=m /o/f /o/e /d4/\n"),
    "chown-names": "FROM busybox:1.36\nCOPY --chown=nobody d /n/\nCOPY --chown=1:daemon a.txt /n2\n",
    "history-forms": ("FROM busybox:1.36\nARG V=1\nARG W\nENV A=b C=\"d e\"\nRUN echo $V\nRUN [\"sh\",\"-c\",\"echo hi\"]\n"
                      "CMD echo hi\nENTRYPOINT [\"x\"]\nLABEL a=b\nEXPOSE 80 443\nVOLUME /v\nSTOPSIGNAL 9\n"
                      "SHELL [\"/bin/sh\",\"-c\"]\nHEALTHCHECK CMD true\nWORKDIR /tmp\nWORKDIR rel\n"),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_copy_form_agrees_with_docker(dockerd, tmp_path, name):
    folder = tmp_path / "ctx"
    write(folder, {**CONTEXT, "Dockerfile": FORMS[name].encode()})
    built = dockerd.build(folder, f"form-{name}")
    assert built.returncode == 0, built.stderr.decode()[-800:]
    try:
        sim, error = simulator_image(folder)
        assert error is None, error
        problems = image_differences(docker_image(dockerd, f"form-{name}"), sim)
        problems += entry_differences("merged", docker_merged(dockerd, f"form-{name}"), sim["merged"], merged=True)
    finally:
        dockerd.docker("rmi", "-f", f"form-{name}", check=False)
    assert problems == []


def test_copy_into_a_file_fails_as_docker(dockerd, tmp_path):
    folder = tmp_path / "ctx"
    write(folder, {**CONTEXT, "Dockerfile": b"FROM busybox:1.36\nRUN echo x > /f\nCOPY a.txt /f/\n"})
    built = dockerd.build(folder, "form-file-dest")
    assert built.returncode != 0 and "not a directory" in built.stderr.decode()
    sim, error = simulator_image(folder)
    assert sim is None and "mkdir /f: not a directory" in error


# Found by the 3,000-case run (seeds 911, 2152, 2179): a glob matches a symlink whose target the
# .dockerignore leaves out. BuildKit follows the matched symlink and fails on the missing target.
DANGLING = {"logs/a.txt": b"a\n", "link.txt": ("link", "logs/a.txt"), ".dockerignore": b"logs\n"}


@pytest.mark.parametrize("source", ["*.txt", "link.txt"])
def test_copy_of_a_symlink_into_an_ignored_folder_fails_as_docker(dockerd, tmp_path, source):
    folder = tmp_path / "ctx"
    write(folder, {**DANGLING, "Dockerfile": f"FROM busybox:1.36\nCOPY {source} /g/\n".encode()})
    built = dockerd.build(folder, "form-dangling")
    dockerd.docker("rmi", "-f", "form-dangling", check=False)
    assert built.returncode != 0 and '"/logs/a.txt" not found' in built.stderr.decode()
    sim, error = simulator_image(folder)
    assert sim is None and 'failed to compute cache key: "/logs/a.txt" not found: not found' in error
