"""The runtime's verbs on a small image: what ``docker run/exec/diff/commit/rm`` would give.

The image is FROM scratch with a few files, so every answer can be read off
the Dockerfile: nothing here depends on the catalog's data.
"""

from __future__ import annotations

import pytest

from app.engine import UnionFS
from app.runtime import BuildStep, NameInUse, NoSuchContainer, NoSuchImage, Runtime, exec_in
from app.runtime import ContextFile

DOCKERFILE = "FROM scratch\nENV GREETING=hi\nCOPY etc /etc\nWORKDIR /app\nCMD [\"/bin/sh\"]\n"
CONTEXT = {"etc/motd": ContextFile.text("welcome\n"), "etc/hostname": ContextFile.text("box\n")}


@pytest.fixture
def runtime() -> Runtime:
    rt = Runtime()
    result = rt.build(DOCKERFILE, CONTEXT, tag="small")
    assert result.failed is None
    return rt


def test_build_tags_the_image_and_keeps_its_steps(runtime):
    assert runtime.image("small").name == "small"
    assert [s.keyword for s in runtime.builds["small"].steps] == ["FROM", "ENV", "COPY", "WORKDIR", "CMD"]
    assert all(isinstance(s, BuildStep) for s in runtime.builds["small"].steps)


def test_a_failed_build_is_kept_but_not_tagged():
    rt = Runtime()
    result = rt.build("FROM scratch\nRUN false\n", tag="broken")
    assert result.failed is not None and "broken" in rt.builds
    with pytest.raises(NoSuchImage, match="Unable to find image 'broken' locally"):
        rt.run("broken")


def test_run_starts_an_empty_writable_layer_over_the_image(runtime):
    container = runtime.run("small", name="web")
    assert container.name == "web" and container.image is runtime.image("small")
    assert len(container.upper) <= 1  # at most the root directory
    assert runtime.container("web") is container


def test_unnamed_containers_get_names_in_order(runtime):
    assert [runtime.run("small").name for _ in range(2)] == ["container-1", "container-2"]


def test_exec_sees_env_and_workdir_and_writes_to_the_container_only(runtime):
    runtime.run("small", name="web")
    result = runtime.exec("web", "echo $GREETING; pwd; echo more >> /etc/hostname; cat /etc/hostname")
    assert (result.status, result.stdout, result.stderr) == (0, "hi\n/app\nbox\nmore\n", "")
    assert result.container == "web" and not result.uncertain and result.notes == []
    assert any(t.op == "append" and t.path == "/etc/hostname" for t in result.traces)
    assert UnionFS(list(runtime.image("small").layers)).read("/etc/hostname")[0] == b"box\n"
    assert runtime.container("web").fs.read("/etc/hostname")[0] == b"box\nmore\n"


def test_exec_reports_a_failing_command_with_its_status_and_stderr(runtime):
    runtime.run("small", name="web")
    result = runtime.exec("web", "cat /nothing")
    assert result.status == 1 and "No such file or directory" in result.stderr
    assert result.output == result.stdout + result.stderr


def test_exec_says_when_a_command_is_not_simulated(runtime):
    runtime.run("small", name="web")
    result = runtime.exec("web", "make install")
    assert result.uncertain
    assert result.notes == ["not simulated: make install"]


def test_two_containers_of_one_image_do_not_see_each_others_writes(runtime):
    runtime.run("small", name="a")
    runtime.run("small", name="b")
    runtime.exec("a", "echo mine > /note")
    assert runtime.exec("b", "cat /note").status == 1
    assert runtime.exec("a", "cat /note").stdout == "mine\n"


def test_diff_lists_added_changed_and_deleted_paths(runtime):
    runtime.run("small", name="web")
    runtime.exec("web", "rm /etc/motd; echo more >> /etc/hostname; echo new > /new")
    assert [(c.letter, c.path) for c in runtime.diff("web")] == [
        ("C", "/etc"), ("C", "/etc/hostname"), ("D", "/etc/motd"), ("A", "/new")]


def test_diff_never_lists_the_root_even_when_its_mode_changed(runtime):
    runtime.run("small", name="web")
    runtime.exec("web", "chmod 700 / && touch /b")
    assert "/" in runtime.container("web").upper
    assert [(c.letter, c.path) for c in runtime.diff("web")] == [("A", "/b")]


def test_diff_of_a_directory_replaced_whole_is_a_change(runtime):
    runtime.run("small", name="web")
    runtime.exec("web", "rm -r /etc && mkdir /etc && echo x > /etc/only")
    assert [(c.letter, c.path) for c in runtime.diff("web")] == [("C", "/etc"), ("A", "/etc/only")]


def test_commit_freezes_the_writable_layer_into_a_new_image(runtime):
    runtime.run("small", name="web")
    runtime.exec("web", "echo saved > /saved")
    image = runtime.commit("web", "small:saved")
    base = runtime.image("small")
    assert image.layers[:-1] == base.layers and len(image.layers) == len(base.layers) + 1
    assert image.history[-1].created_by == "/bin/sh" and not image.history[-1].empty_layer
    runtime.exec("web", "echo later > /later")  # after the commit: not in the image
    fs = UnionFS(list(image.layers))
    assert fs.read("/saved")[0] == b"saved\n" and not fs.exists("/later")
    runtime.run("small:saved", name="again")
    assert runtime.exec("again", "cat /saved").stdout == "saved\n"


def test_rm_removes_the_container_and_frees_its_name(runtime):
    runtime.run("small", name="web")
    runtime.exec("web", "echo x > /x")
    runtime.rm("web")
    with pytest.raises(NoSuchContainer):
        runtime.container("web")
    fresh = runtime.run("small", name="web")
    assert runtime.exec("web", "cat /x").status == 1 and fresh.upper is not None
    assert runtime.image("small") is fresh.image  # the image stays


def test_a_second_container_with_a_used_name_is_refused(runtime):
    first = runtime.run("small", name="web")
    with pytest.raises(NameInUse, match='The container name "/web" is already in use'):
        runtime.run("small", name="web")
    assert runtime.container("web") is first


VERBS_ON_A_CONTAINER = {
    "exec": lambda rt: rt.exec("ghost", "true"),
    "diff": lambda rt: rt.diff("ghost"),
    "rm": lambda rt: rt.rm("ghost"),
    "commit": lambda rt: rt.commit("ghost", "x"),
}


@pytest.mark.parametrize("verb", sorted(VERBS_ON_A_CONTAINER))
def test_verbs_on_a_missing_container_say_no_such_container(runtime, verb):
    runtime.run("small", name="web")
    with pytest.raises(NoSuchContainer, match="^Error response from daemon: No such container: ghost$"):
        VERBS_ON_A_CONTAINER[verb](runtime)


def test_run_of_a_missing_image_is_refused(runtime):
    with pytest.raises(NoSuchImage):
        runtime.run("nothing", name="web")
    assert "web" not in runtime.containers


def test_snapshots_do_not_change_when_the_container_does(runtime):
    runtime.run("small", name="web")
    runtime.exec("web", "echo 1 > /one")
    [before] = runtime.snapshots(runtime.image("small"))
    runtime.exec("web", "echo 2 > /two")
    assert "/one" in before.upper and "/two" not in before.upper
    assert "/two" in runtime.container("web").upper


def test_exec_finds_the_package_manager_of_the_images_distribution():
    rt = Runtime()
    rt.build("FROM alpine:3.20\n", tag="al")
    rt.run("al", name="c")
    result = rt.exec("c", "apk add --no-cache curl")
    assert result.status == 0 and "Installing curl" in result.stdout


def test_exec_in_is_the_same_exec_for_a_container_outside_a_runtime(runtime):
    container = runtime.run("small", name="web")
    assert exec_in(container, "echo $GREETING").stdout == "hi\n"


def test_diff_lists_an_existing_directory_only_when_its_mode_changed_or_as_a_parent(runtime):
    """moby's rule, seen on docker.io 20.10's overlay2 (tests/docker checks it): a directory the
    image has is C when chmod changed it or when something below it changed, not for a
    copy-up alone (a chmod to the mode it had)."""
    runtime.run("small", name="web")
    runtime.exec("web", "mkdir -p /srv/a && chmod 755 /etc && chmod 700 /app && touch /srv/a/f")
    assert "/etc" in runtime.container("web").upper
    assert [(c.letter, c.path) for c in runtime.diff("web")] == [
        ("C", "/app"), ("A", "/srv"), ("A", "/srv/a"), ("A", "/srv/a/f")]
