"""The playground's HTML forms, read into a state: what Build and Run submit.

Kept apart from Flask (the web tier passes plain lists of strings), so the
rules of an edit (a removed file goes, an added file with a name comes in, a
Run appends one command) are tested without a server. Every result goes
through the codec's checks, so a form cannot make a state a link refuses.
"""

from __future__ import annotations

from .state import ContextItem, State, StateError, check


def _one(fields: dict[str, list[str]], name: str, default: str = "") -> str:
    values = fields.get(name) or [default]
    return values[0]


def built_state(fields: dict[str, list[str]], previous: State) -> State:
    """The state the Build form describes: its Dockerfile and context, the previous commands and tag."""
    names, texts = fields.get("ctx_name", []), fields.get("ctx_text", [])
    modes, sizes = fields.get("ctx_mode", []), fields.get("ctx_size", [])
    removed = set(fields.get("ctx_remove", []))
    items = []
    for index, name in enumerate(names):
        name = name.strip()
        if not name or str(index) in removed:
            continue
        size = sizes[index] if index < len(sizes) else ""
        mode = (modes[index] if index < len(modes) else "").strip() or "0644"
        if size.strip():
            if not size.strip().isdigit() or len(size.strip()) > 12:
                raise StateError(f"context file {name!r}: its size must be a number of bytes")
            items.append(ContextItem(name, None, int(size), mode))
        else:
            items.append(ContextItem(name, _lf(texts[index] if index < len(texts) else ""), 0, mode))
    new_name = _one(fields, "new_name").strip()
    if new_name:
        items.append(ContextItem(new_name, _lf(_one(fields, "new_text")), 0, _one(fields, "new_mode").strip() or "0644"))
    state = State(_lf(_one(fields, "dockerfile")), tuple(items), previous.commands, previous.tag)
    check(state)
    return state


def run_state(fields: dict[str, list[str]], previous: State) -> State:
    """The state after Run: the previous one with the typed command appended."""
    command = _one(fields, "command").strip()
    if not command:
        raise StateError("type a command first, such as: echo hi > /greeting")
    state = previous.with_command(command)
    check(state)
    return state


def _lf(text: str) -> str:
    """Browsers send a textarea's lines with CRLF; a Dockerfile's are LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
