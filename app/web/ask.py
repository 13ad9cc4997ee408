"""A step's question on its page: wiring only (the answer and the grading live in app/lessons/questions).

The question is a GET form whose answer lands in the URL (``?answer=...``), so
the page stays a pure function of the lesson files and the URL and works
without JavaScript; htmx only swaps the step panel instead of loading a page.
"""

from __future__ import annotations

from flask import current_app, request

from app.lessons.questions import grade

ANSWER = "answer"  # the query parameter; repeated for a question with several right lines


def question_context(frame) -> dict:
    """``question`` (or None) and its ``grade`` once the URL holds an answer (None while asking)."""
    question = frame.question
    if question is None:
        return {"question": None, "graded": None}
    if current_app.config.get("LAYERLAB_STATIC_COPY"):  # layerlab export site: nothing to grade the answer
        return {"question": question, "graded": grade(question, [])}
    if ANSWER not in request.args:
        return {"question": question, "graded": None}
    return {"question": question, "graded": grade(question, request.args.getlist(ANSWER))}
