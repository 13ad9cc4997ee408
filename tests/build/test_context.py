"""The build context as a tree: reading a folder, resolving COPY sources, .dockerignore.

What BuildKit does here was checked against docker.io 20.10 (tests/docker); these
tests pin the same facts without a daemon.
"""

from __future__ import annotations

import os

import pytest

from app.build import from_folder
from app.build.context import (ContextDir, ContextError, ContextFile, ContextSymlink,
                               is_directory, match, read_folder, resolve, tree)
from app.build.dockerignore import apply_dockerignore, filter_context, read_patterns
from app.lessons.loader import LessonError, load_lesson


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "ctx"
    (root / "sub" / "deep").mkdir(parents=True)
    (root / "empty").mkdir()
    os.chmod(root / "empty", 0o700)
    (root / "a.txt").write_text("a\n")
    (root / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(root / "run.sh", 0o755)
    (root / "sub" / "deep" / "x.log").write_text("x\n")
    os.symlink("a.txt", root / "link.txt")
    os.symlink("sub", root / "dlink")
    os.symlink("/etc/passwd", root / "outside")
    return root


def test_a_folder_is_read_as_a_tree_with_modes_empty_dirs_and_symlinks(folder):
    context = from_folder(folder)
    assert context["empty"] == ContextDir(0o700)
    assert context["run.sh"].mode == 0o755 and context["a.txt"].data == b"a\n"
    assert context["link.txt"] == ContextSymlink("a.txt")
    assert context["dlink"] == ContextSymlink("sub")
    assert context["outside"] == ContextSymlink("/etc/passwd"), "a symlink's target is never read"
    assert "dlink/deep" not in context, "a symlinked directory is not walked"


def test_special_files_and_a_folder_too_large_are_problems_not_tracebacks(folder):
    os.mkfifo(folder / "pipe")
    with pytest.raises(ContextError) as err:
        from_folder(folder)
    assert any("pipe" in p and "special file" in p for p in err.value.problems)
    (folder / "pipe").unlink()
    _, problems = read_folder(folder, size_limit=3)
    assert problems and "larger than 3 bytes" in problems[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file of mode 000")
def test_an_unreadable_file_is_a_problem(folder):
    os.chmod(folder / "a.txt", 0)
    _, problems = read_folder(folder)
    assert any("a.txt" in p and "cannot read" in p for p in problems)


def test_implied_parent_directories_are_0755_dirs():
    nodes = tree({"a/b/c.txt": ContextFile.text("c")})
    assert nodes["a"] == nodes["a/b"] == ContextDir(0o755)
    assert list(nodes) == ["", "a", "a/b", "a/b/c.txt"]


def test_a_directory_source_copies_its_whole_subtree(folder):
    hits = {h.rel: h.entry for h in resolve(from_folder(folder), ".")}
    assert hits["empty"] == ContextDir(0o700)
    assert hits["dlink"] == ContextSymlink("sub"), "symlinks inside a copied directory stay symlinks"
    assert hits[""] == ContextDir(0o755), "the source directory itself, for its mode"


def test_a_symlink_source_is_followed_inside_the_context_and_keeps_its_name(folder):
    context = from_folder(folder)
    [hit] = resolve(context, "link.txt")
    assert (hit.path, hit.rel, hit.entry.data) == ("a.txt", "link.txt", b"a\n")
    assert {h.rel for h in resolve(context, "dlink")} == {"", "deep", "deep/x.log"}
    assert [h.path for h in resolve(context, "dlink/deep/x.log")] == ["sub/deep/x.log"]


def test_a_symlink_never_leads_out_of_the_context():
    context = {"esc": ContextSymlink("../../etc/passwd"), "abs": ContextSymlink("/etc/passwd")}
    assert resolve(context, "esc") == [] and resolve(context, "abs") == []
    context["etc/passwd"] = ContextFile.text("the context's own\n")
    assert [h.path for h in resolve(context, "esc")] == ["etc/passwd"], "taken from the context's root"
    nested = {"d/abs": ContextSymlink("/top.txt"), "d/top.txt": ContextFile.text("d"), "top.txt": ContextFile.text("t")}
    assert [h.path for h in resolve(nested, "d/abs")] == ["top.txt"], "an absolute target starts at the root"


def test_symlink_loops_name_nothing():
    assert resolve({"a": ContextSymlink("b"), "b": ContextSymlink("a")}, "a") == []


def test_globs_match_one_component_and_follow_what_they_match(folder):
    context = from_folder(folder)
    assert sorted(h.rel for h in resolve(context, "*.txt")) == ["a.txt", "link.txt"]
    assert resolve(context, "*.nothing") == []
    assert [h.rel for h in resolve(context, "su?/deep/*.log")] == ["x.log"]


def test_match_keeps_the_file_view_of_todays_builder(folder):
    context = from_folder(folder)
    assert ("a.txt", "link.txt") in match(context, ".")
    assert not any(rel.startswith(("empty", "dlink")) for _, rel in match(context, "."))
    assert match(context, "link.txt") == [("a.txt", "link.txt")]


def test_is_directory_sees_empty_and_symlinked_directories(folder):
    context = from_folder(folder)
    assert is_directory(context, "empty") and is_directory(context, "dlink") and is_directory(context, "./")
    assert not is_directory(context, "link.txt") and not is_directory(context, "missing")


# -- .dockerignore ----------------------------------------------------------------------------
def test_patterns_are_read_as_the_docker_cli_reads_them():
    text = "\ufeff# a comment\n  *.log  \n\n!/keep.log\n/abs/x/../y\n #not a comment\n"
    assert read_patterns(text) == ["*.log", "!keep.log", "abs/y", "#not a comment"]


CONTEXT = {"a.txt": ContextFile.text("a"), "x.log": ContextFile.text("x"), "keep.log": ContextFile.text("k"),
           "sub/deep/x.log": ContextFile.text("x"), "sub/y.txt": ContextFile.text("y"),
           "Dockerfile": ContextFile.text("FROM scratch\n"), ".dockerignore": ContextFile.text("")}


@pytest.mark.parametrize("patterns, kept", [
    (["*.log", "!keep.log"], {"a.txt", "keep.log", "sub", "sub/deep", "sub/deep/x.log", "sub/y.txt",
                              "Dockerfile", ".dockerignore"}),
    (["**/*.log"], {"a.txt", "sub", "sub/deep", "sub/y.txt", "Dockerfile", ".dockerignore"}),
    (["*", "!sub/deep/x.log"], {"sub", "sub/deep", "sub/deep/x.log"}),
    # an excluded directory is skipped whole unless an exception starts inside it (BuildKit's walk)
    (["sub/*", "!**/x.log"], {"a.txt", "x.log", "keep.log", "sub", "Dockerfile", ".dockerignore"}),
    (["sub", "!sub/deep/x.log"], {"a.txt", "x.log", "keep.log", "sub", "sub/deep", "sub/deep/x.log",
                                  "Dockerfile", ".dockerignore"}),
    (["*", "!sub"], {"sub", "sub/deep", "sub/deep/x.log", "sub/y.txt"}),
], ids=["exception", "double-star", "star-then-file", "dir-skipped", "dir-reopened", "star-then-dir"])
def test_dockerignore_as_buildkit_applies_it(patterns, kept):
    assert set(filter_context(CONTEXT, patterns)) == kept


def test_a_folders_dockerignore_is_applied_when_it_is_read(folder):
    (folder / ".dockerignore").write_text("sub\nempty\n")
    context = from_folder(folder)
    assert "sub/deep/x.log" not in context and "empty" not in context and "a.txt" in context


def test_a_placeholder_dockerignore_excludes_nothing():
    context = {".dockerignore": ContextFile(None, 10), "a.log": ContextFile.text("a")}
    assert apply_dockerignore(context) == context


# -- inline lesson contexts ---------------------------------------------------------------------
LESSON = """id: ctx
title: {{en: t, zh: t}}
summary: {{en: s, zh: s}}
images:
  - name: app
    dockerfile: "FROM scratch\\nCOPY . /c/\\n"
    context:
      a.txt: hello
{entries}
steps:
  - build: app
"""


def test_inline_contexts_declare_directories_symlinks_and_dockerignore(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_text(LESSON.format(entries='      data: {dir: true, mode: "0700"}\n'
                                          "      current: {symlink: a.txt}\n"
                                          '      .dockerignore: "*.log"\n'
                                          "      x.log: ignored\n"))
    context = load_lesson(path).contexts["app"]
    assert context["data"] == ContextDir(0o700) and context["current"] == ContextSymlink("a.txt")
    assert "x.log" not in context


@pytest.mark.parametrize("entry", ['{dir: true, text: "x"}', '{symlink: a.txt, mode: "0755"}', "{dir: false}"])
def test_an_inline_entry_of_no_or_two_kinds_is_a_located_problem(tmp_path, entry):
    path = tmp_path / "lesson.yaml"
    path.write_text(LESSON.format(entries=f"      bad: {entry}\n"))
    with pytest.raises(LessonError) as err:
        load_lesson(path)
    assert any(p.line == 9 for p in err.value.problems), err.value.problems


def test_a_lone_exclamation_mark_is_refused_as_docker_refuses_it(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_text(LESSON.format(entries='      .dockerignore: "*.log\\n!\\n"\n'))
    with pytest.raises(LessonError) as err:
        load_lesson(path)
    assert any('illegal exclusion pattern: "!"' in p.message for p in err.value.problems), err.value.problems


@pytest.mark.parametrize("source", ["*.txt", "link.txt"])
def test_a_symlink_into_an_ignored_folder_fails_the_copy_naming_its_target(source):
    """A name (or a glob's match) whose symlink leads to nothing fails, as BuildKit fails; the
    3,000-case docker run found it (tests/docker/test_docker_copy_forms.py checks the daemon)."""
    from app.build import build

    context = filter_context({"logs/a.txt": ContextFile.text("a\n"), "link.txt": ContextSymlink("logs/a.txt"),
                              "b.txt": ContextFile.text("b\n")}, ["logs"])
    result = build(f"FROM busybox:1.36\nCOPY {source} /g/\n", context)
    assert result.failed is not None
    assert result.failed.error == 'failed to compute cache key: "/logs/a.txt" not found: not found'


def test_a_glob_that_matches_nothing_is_not_broken():
    from app.build.context import dangling

    assert dangling({"a.txt": ContextFile.text("a\n")}, "*.log") is None
    assert dangling({"a.txt": ContextFile.text("a\n"), "l": ContextSymlink("a.txt")}, "*") is None
