"""What a worker sent before goes back by reference (app/sandbox/shared.py), and draws the same.

A follow-up playground state reuses the worker's cached steps; their layers and traces cross the
pipe once. The observables: the size of the second answer, the identity of what it refers to,
and the diagrams, which must equal those of a play in this process."""

from __future__ import annotations

import gc
import io
import pickle
import weakref

import pytest

from app import sandbox
from app.engine import Dir, Layer
from app.lessons.player import Frame
from app.playground import State
from app.playground.play import play_state
from app.render import scene_dot
from app.runtime import BuildCache, Runtime
from app.sandbox import shared

DOCKERFILE = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\nRUN echo hi > /greeting\n"


@pytest.fixture(scope="module")
def built():
    return Runtime(cache=BuildCache()).build(DOCKERFILE, {}, tag="shared")


def _send_twice(value):
    """Two answers of this process as a worker to an Imports table: (first bytes, second bytes, the
    value read from each)."""
    imports = shared.Imports()
    epoch, first = shared.dumps(value, None, frozenset())
    one = imports.loads(epoch, first, None, {})
    known_epoch, held = imports.held()
    epoch, second = shared.dumps(value, known_epoch, frozenset(held))
    two = imports.loads(epoch, second, known_epoch, held)
    return first, second, one, two


def _entries(layer: Layer) -> list[tuple[str, str]]:
    return [(path, repr(node)) for path, node in layer.items()]


def test_a_second_answer_refers_to_the_steps_and_layers_the_first_sent(built):
    first, second, one, two = _send_twice(built)
    assert len(second) * 20 < len(first)
    assert all(a is b for a, b in zip(one.steps, two.steps, strict=True))
    assert all(a is b for a, b in zip(one.image.layers, two.image.layers, strict=True))
    assert two.steps[1].traces is one.steps[1].traces


def test_a_frame_refers_to_its_step_s_traces_and_output(built):
    """A lesson frame holds its build step's traces and output: the second answer sends neither."""
    step = built.steps[1]
    frame = Frame(number=1, kind="build", command=step.text, say=None, images=[step.image], traces=step.traces,
                  output=step.stdout, notes=["a note of the frame's own"])
    first, second, one, two = _send_twice(([frame], built))
    assert len(second) * 20 < len(first)
    assert two[0][0].traces is one[0][0].traces is two[1].steps[1].traces
    assert two[0][0].output == step.stdout and two[0][0].notes == ["a note of the frame's own"]
    assert two[0][0] is not one[0][0]  # the frame itself is sent each time: it is not shared


def test_what_is_read_back_equals_what_was_sent(built):
    _, _, one, two = _send_twice(built)
    assert [_entries(layer) for layer in two.image.layers] == [_entries(layer) for layer in built.image.layers]
    assert [(s.text, s.stdout, len(s.traces)) for s in two.steps] == [(s.text, s.stdout, len(s.traces))
                                                                      for s in built.steps]


def test_a_writable_layer_is_sent_in_full_every_time():
    layer = Layer()
    first, second, one, two = _send_twice(layer)
    assert len(second) == len(first) and one is not two


def test_another_epoch_gets_everything_in_full(built):
    imports = shared.Imports()
    epoch, first = shared.dumps(built, None, frozenset())
    kept = imports.loads(epoch, first, None, {})
    _, held = imports.held()
    _, again = shared.dumps(built, "another worker", frozenset(held))
    assert len(again) == len(first)


def test_a_reference_this_process_does_not_hold_is_refused(built):
    imports = shared.Imports()
    epoch, first = shared.dumps(built, None, frozenset())
    kept = imports.loads(epoch, first, None, {})
    known_epoch, held = imports.held()
    _, second = shared.dumps(built, known_epoch, frozenset(held))
    imports.clear()
    imports.epoch = epoch  # the same worker, but the table forgot what it held
    with pytest.raises(pickle.UnpicklingError):
        imports.loads(epoch, second, epoch, {})
    assert kept is not None


def test_pickled_layers_leave_their_lookup_caches_behind(built):
    layer = built.image.layers[-1]
    layer._union_cache[("an id of this process",)] = "an index"
    assert pickle.loads(pickle.dumps(layer))._union_cache == {}
    assert _entries(pickle.loads(pickle.dumps(layer))) == _entries(layer)


def _dots(played) -> list[str]:
    return [scene_dot(frame.scene("en", "6.1")) for frame in played.played.frames]


def test_a_follow_up_through_the_sandbox_draws_what_a_play_here_draws():
    sandbox._states.clear()
    state = State(DOCKERFILE, tag="by-reference")
    follow_up = State(DOCKERFILE, commands=("echo more >> /greeting", "rm /etc/motd"), tag="by-reference")
    first = sandbox.play_state(state)
    second = sandbox.play_state(follow_up)
    assert second.cache_misses == 0
    shared_steps = [a is b for a, b in zip(first.played.frames[1].images[0].layers,
                                           second.played.frames[1].images[0].layers)]
    assert shared_steps and all(shared_steps)
    here = play_state(follow_up, BuildCache())
    assert _dots(second) == _dots(here)


def test_the_worker_s_table_keeps_nothing_alive(built):
    """A worker's memory is its build cache's: a step it drops leaves the table, with its lists."""
    table = shared.Exports()
    step = pickle.loads(pickle.dumps(built.steps[1]))  # a step only this test holds
    layer = Layer().freeze()
    assert table.token(step)[1] and table.token(layer)[1]
    assert not table.token(step)[1] and len(table) == 2
    assert table.owner(step.traces) == (step, "traces")
    gone = [weakref.ref(step), weakref.ref(layer)]
    del step, layer
    gc.collect()
    assert [ref() for ref in gone] == [None, None]
    assert len(table) == 0 and table._parts == {}


def test_a_part_of_a_step_replaced_since_is_not_borrowed(built):
    """A frame borrows a step's list only while it is still that step's: an id alone could be another's."""
    table = shared.Exports()
    step = pickle.loads(pickle.dumps(built.steps[1]))
    old = step.traces
    table.token(step)
    step.traces = list(old)
    assert table.owner(old) is None and table.owner(step.traces) is None


def _answer(worker: shared.Exports, value, known: dict) -> bytes:
    """``value`` as the worker with table ``worker`` answers a job that named ``known``."""
    buffer = io.BytesIO()
    shared._Pickler(buffer, worker, frozenset(known)).dump(value)
    return buffer.getvalue()


def _layer(name: str) -> Layer:
    layer = Layer()
    layer.put("/" + name, Dir())
    return layer.freeze()


def test_a_late_answer_of_a_replaced_worker_reads_its_own_snapshot_and_keeps_nothing():
    """Worker 1 is replaced by worker 2 while an answer of worker 1 is still on its way. Both number
    their objects from 1, so a number of worker 1 kept for worker 2 would name the wrong layer."""
    one, two, imports = shared.Exports(), shared.Exports(), shared.Imports()
    a, b, c = _layer("a-of-worker-1"), _layer("b-of-worker-2"), _layer("c-of-worker-1")
    got_a = imports.loads(one.epoch, _answer(one, a, {}), None, {})
    sent_epoch, snapshot = imports.held()  # a job sent to worker 1, which holds a as number 1 ...
    assert sent_epoch == one.epoch and snapshot == {1: got_a}
    other_epoch, other_snapshot = imports.held()  # ... and another, answered by worker 2, its replacement
    got_b = imports.loads(two.epoch, _answer(two, b, {}), other_epoch, other_snapshot)
    assert imports.epoch == two.epoch and imports.held()[1] == {1: got_b}
    late = imports.loads(one.epoch, _answer(one, [a, c], snapshot), sent_epoch, snapshot)
    assert late[0] is got_a and _entries(late[1]) == _entries(c)
    assert imports.epoch == two.epoch and imports.held()[1] == {1: got_b}  # worker 2's table, untouched
    known_epoch, held = imports.held()
    again = imports.loads(two.epoch, _answer(two, [b], held), known_epoch, held)
    assert again[0] is got_b


def test_the_web_process_s_table_keeps_only_what_its_kept_answers_hold(built):
    imports = shared.Imports()
    epoch, first = shared.dumps(built, None, frozenset())
    answer = imports.loads(epoch, first, None, {})
    assert len(imports) == len(built.steps) + len({id(layer) for layer in built.image.layers}) > 0
    del answer
    gc.collect()
    assert len(imports) == 0


def test_a_job_in_flight_when_the_pool_stops_is_a_problem_not_a_hang():
    """pebble leaves the future of a job in flight unresolved when its pool stops; the page must not
    wait for it forever (pytest-timeout would end this test if it did; the job's thread is a daemon,
    so a hang fails the test instead of holding the test process)."""
    import threading
    import time

    import hostile_jobs as jobs
    from app.sandbox import WorkerDied
    from app.sandbox import pool as sandbox_pool
    limits = sandbox.Limits(workers=1, wall_seconds=120)
    sandbox.run(jobs.answer, limits=limits)  # the pool is up
    outcome: list = []

    def job() -> None:
        try:
            outcome.append(sandbox.run(jobs.sleep, 60, limits=limits, description="sleeping", where=("x.yaml", 2)))
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            outcome.append(exc)

    thread = threading.Thread(target=job, daemon=True)
    thread.start()
    while sandbox_pool._waiting[0] == 0 and thread.is_alive():  # until the job is in flight
        time.sleep(0.05)
    sandbox.shutdown()
    thread.join()
    assert isinstance(outcome[0], WorkerDied), outcome
    assert "the sandbox stopped before the job finished: sleeping" in str(outcome[0])
    assert sandbox.run(jobs.answer, limits=limits) == 42  # and the next job starts a new pool
