"""Folders and symlinks in the playground's context: built as the build module builds them, carried over
from a lesson ("Open in playground"), and added through the Build form."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.build.context import ContextDir, ContextFile, ContextSymlink
from app.engine.layer import Dir, File, Symlink
from app.engine.tarball import diff_id
from app.lessons import player as lesson_player
from app.playground import ContextItem, State, StateError
from app.playground.form import built_state
from app.playground.from_lesson import lesson_step_state
from app.playground.play import play_state
from app.runtime import BuildCache, Runtime

FIXTURE = Path(__file__).parent / "lessons" / "context-kinds.yaml"
DOCKERFILE = "FROM scratch\nCOPY src /app/\nCOPY src/link /copied.py\nCOPY src/up /up\n"
ITEMS = (ContextItem("src/app.py", "print('hi')\n"), ContextItem("src/cache", mode="0700", kind="folder"),
         ContextItem("src/link", kind="symlink", target="app.py"),
         ContextItem("src/passwd", kind="symlink", target="/etc/passwd"),
         ContextItem("src/up", kind="symlink", target="../src/app.py"))  # ".." stops at the context's root
CONTEXT = {"src/app.py": ContextFile.text("print('hi')\n"), "src/cache": ContextDir(0o700),
           "src/link": ContextSymlink("app.py"), "src/passwd": ContextSymlink("/etc/passwd"),
           "src/up": ContextSymlink("../src/app.py")}


def test_copy_of_a_folder_holding_symlinks_is_the_build_modules_own():
    played = play_state(State(DOCKERFILE, ITEMS), cache=BuildCache())
    assert played.problem is None
    ours = played.played.builds["playground"].image
    theirs = Runtime(cache=BuildCache()).build(DOCKERFILE, CONTEXT, tag="playground").image
    assert [diff_id(layer) for layer in ours.layers] == [diff_id(layer) for layer in theirs.layers]
    copied = ours.layers[0].entries  # COPY src /app/: the symlinks stay symlinks, the empty folder a folder
    assert isinstance(copied["/app/link"], Symlink) and copied["/app/link"].target == "app.py"
    assert isinstance(copied["/app/passwd"], Symlink) and copied["/app/passwd"].target == "/etc/passwd"
    assert isinstance(copied["/app/cache"], Dir) and copied["/app/cache"].mode & 0o7777 == 0o700
    assert isinstance(ours.layers[1].entries["/copied.py"], File)  # a symlink named as the source is followed
    assert isinstance(ours.layers[2].entries["/up"], File)


def test_a_lesson_with_a_symlink_and_an_empty_folder_opens_in_the_playground_with_the_same_diagrams():
    lesson = lesson_player.played(FIXTURE)
    for number, frame in enumerate(lesson.frames, 1):
        state, step = lesson_step_state(lesson, number)
        kinds = {item.name: item.kind for item in state.context}
        assert kinds["src/link"] == "symlink" and kinds["src/cache"] == "folder" and kinds["src"] == "folder"
        playground = play_state(state, cache=BuildCache())
        assert [diff_id(layer) for layer in playground.played.builds[state.tag].image.layers] == \
            [diff_id(layer) for layer in lesson.builds[state.tag].image.layers]  # modes too, which no diagram shows
        assert lesson_player.diagram(playground.played, step, "en", "svg") == \
            lesson_player.diagram(lesson, number, "en", "svg"), f"step {number}"


def _form(**extra) -> dict[str, list[str]]:
    return {"dockerfile": ["FROM scratch\nCOPY . /\n"], **{k: [v] if isinstance(v, str) else v for k, v in extra.items()}}


def test_the_form_adds_a_symlink_and_a_folder_and_keeps_them():
    state = built_state(_form(new_kind="symlink", new_name="link", new_target="../x"), State())
    assert state.context == (ContextItem("link", kind="symlink", target="../x"),)
    state = built_state(_form(ctx_name="link", ctx_kind="symlink", ctx_target="../x", ctx_mode="", ctx_text="",
                              ctx_size="", new_kind="folder", new_name="data", new_mode="0700"), state)
    assert state.context == (ContextItem("link", kind="symlink", target="../x"),
                             ContextItem("data", mode="0700", kind="folder"))
    edited = built_state(_form(ctx_name=["link", "data"], ctx_kind=["symlink", "folder"], ctx_target=["/etc", ""],
                               ctx_mode=["", "0755"], ctx_text=["", ""], ctx_size=["", ""], ctx_remove="1"), state)
    assert edited.context == (ContextItem("link", kind="symlink", target="/etc"),)


@pytest.mark.parametrize("fields,says", [
    ({"new_kind": "symlink", "new_name": "l"}, "give its target"),
    ({"new_kind": "folder", "new_name": "d", "new_text": "x"}, "a folder has no contents"),
    ({"new_kind": "file", "new_name": "f", "new_target": "x"}, "only a symlink has a target"),
    ({"new_kind": "pipe", "new_name": "p"}, "file, folder or symlink"),
    ({"new_kind": "symlink", "new_name": "l", "new_target": "x" * 4096}, "4,095"),
])
def test_the_form_says_what_a_kind_lacks(fields, says):
    with pytest.raises(StateError, match=says):
        built_state(_form(**fields), State())
