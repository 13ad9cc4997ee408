"""The playground: a learner's own Dockerfile, context and commands, played as a lesson.

    from app.playground import State, decode, encode
    state = decode(request.args["s"])        # StateError (a clear message) on bad input
    played = play(state)                     # an in-memory lesson: frames drawn as lesson steps

Nothing is stored on the server: the whole state travels in the URL
(see docs/playground.md for the format and its limits).
"""

from __future__ import annotations

from .state import FORMAT, LIMITS, ContextItem, State, StateError, decode, encode

__all__ = ["FORMAT", "LIMITS", "ContextItem", "State", "StateError", "decode", "encode"]
