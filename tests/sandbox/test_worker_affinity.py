"""A follow-up playground state goes to the worker that built its image, so it hits that worker's build cache.

Each worker keeps its build cache in its own memory; before the routing, an edit of the last
line or one more command could land on the other worker and build the image from scratch.
The observable is the build cache's own count (``PlayedState.cache_misses``), not a time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from app import sandbox
from app.playground import State
from app.sandbox.affinity import WAIT_BEHIND, Routes, prefixes

DOCKERFILE = "FROM debian:bookworm\nRUN echo hi > /greeting\nRUN echo two > /two\nCMD [\"sh\"]\n"
TWO_WORKERS = sandbox.Limits(workers=2)


def test_the_longest_known_prefix_chooses_the_worker():
    routes = Routes()
    first = prefixes(("t",), ["FROM a", "RUN b"])
    routes.remember(first, 1)
    routes.remember(prefixes(("t",), ["FROM a"]), 0)
    assert routes.choose(prefixes(("t",), ["FROM a", "RUN b", "CMD c"]), [0, 0]) == 1  # shares two lines with slot 1
    assert routes.choose(prefixes(("t",), ["FROM a", "RUN x"]), [0, 0]) == 0  # one line: slot 0 built it last
    assert routes.choose(prefixes(("other",), ["FROM a"]), [3, 1]) == 1  # nothing known: the least busy


def test_a_known_worker_is_left_when_its_queue_is_much_longer():
    routes = Routes()
    digests = prefixes(("t",), ["FROM a"])
    routes.remember(digests, 0)
    assert routes.choose(digests, [WAIT_BEHIND - 1, 0]) == 0
    assert routes.choose(digests, [WAIT_BEHIND, 0]) == 1


def test_a_long_dockerfile_records_a_bounded_number_of_prefixes():
    assert len(prefixes(("t",), [f"RUN echo {n}" for n in range(5000)])) <= 64 + 3


def _play(state, previous=None):
    return sandbox.play_state(state, limits=TWO_WORKERS, previous=previous)


def test_follow_up_states_hit_the_build_cache_of_the_worker_that_built_the_image():
    sandbox._states.clear()
    built = _play(State(DOCKERFILE, tag="affinity"))
    assert built.problem is None and built.cache_misses == 4
    edited = State(DOCKERFILE.replace('["sh"]', '["bash"]'), tag="affinity")
    follow_ups = [State(DOCKERFILE, commands=(f"echo {n} >> /greeting",), tag="affinity") for n in range(3)]
    with ThreadPoolExecutor(3) as threads:  # at once, so that both workers are free to take one
        commands = list(threads.map(_play, follow_ups))
    assert [played.cache_misses for played in commands] == [0, 0, 0]
    assert all(played.cache_hits == 4 for played in commands)
    after_edit = _play(edited, previous=State(DOCKERFILE, tag="affinity"))
    assert (after_edit.cache_misses, after_edit.cache_hits) == (1, 3 + 4)  # CMD only; the previous state all cached
    assert after_edit.cached[1:] == [True, True, None]  # CMD makes no layer: no mark
