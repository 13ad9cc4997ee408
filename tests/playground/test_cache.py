"""Docker's build cache by content: an edit rebuilds only what changed, a command rebuilds nothing."""

from __future__ import annotations

from app.playground import ContextItem, State
from app.playground.play import play_state
from app.render import scene_dot
from app.runtime import BuildCache, Runtime

DOCKERFILE = "FROM debian:bookworm\nRUN echo hi > /greeting\nRUN mkdir /data && echo a > /data/a\nCMD [\"sh\"]\n"


def _dots(result):
    return [scene_dot(_scene(step.image)) for step in result.steps]


def _scene(image):
    from app.render import Scene
    return Scene(images=[image], containers=[], traces=[], target=image.name, command="", new_layer=False,
                 notes=[], lang="en", kernel="k")


def test_a_rebuild_after_editing_the_last_line_builds_exactly_one_step():
    cache = BuildCache()
    Runtime(cache=cache).build(DOCKERFILE, {}, tag="t")
    before = cache.misses
    assert before == 4
    Runtime(cache=cache).build(DOCKERFILE.replace('["sh"]', '["bash"]'), {}, tag="t")
    assert cache.misses == before + 1 and cache.hits == 3


def test_an_edit_in_the_middle_rebuilds_from_there_down():
    cache = BuildCache()
    Runtime(cache=cache).build(DOCKERFILE, {}, tag="t")
    Runtime(cache=cache).build(DOCKERFILE.replace("echo hi", "echo ho"), {}, tag="t")
    assert cache.hits == 1 and cache.misses == 4 + 3


def test_a_cached_build_draws_the_same_as_an_uncached_one():
    cache = BuildCache()
    Runtime(cache=cache).build(DOCKERFILE.replace('["sh"]', '["x"]'), {}, tag="t")
    cached = Runtime(cache=cache).build(DOCKERFILE, {}, tag="t")
    fresh = Runtime().build(DOCKERFILE, {}, tag="t")
    assert cache.hits == 3
    assert _dots(cached) == _dots(fresh)


def test_copy_is_rebuilt_when_the_context_changes():
    cache = BuildCache()
    text = "FROM debian:bookworm\nCOPY app.txt /app.txt\n"
    Runtime(cache=cache).build(text, {"app.txt": _file("one")}, tag="t")
    Runtime(cache=cache).build(text, {"app.txt": _file("two")}, tag="t")
    assert cache.hits == 1 and cache.misses == 3
    Runtime(cache=cache).build(text, {"app.txt": _file("two")}, tag="t")
    assert cache.hits == 3 and cache.misses == 3


def test_typing_a_command_after_a_build_rebuilds_nothing():
    cache = BuildCache()
    state = State(DOCKERFILE, (ContextItem("a", "x"),))
    play_state(state, cache)
    misses = cache.misses
    played = play_state(state.with_command("echo more >> /greeting"), cache)
    assert cache.misses == misses
    assert played.frames[-1].kind == "exec" and played.frames[-1].status == 0


def _file(text):
    from app.runtime import ContextFile
    return ContextFile.text(text)
