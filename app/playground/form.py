"""The playground's HTML forms, read into a state: what Build and Run submit.

Kept apart from Flask (the web tier passes plain lists of strings), so the
rules of an edit (a removed entry goes, an added file, folder or symlink with
a name comes in, a Run appends one command) are tested without a server. Every result goes
through the codec's checks, so a form cannot make a state a link refuses.
"""

from __future__ import annotations

from .state import ContextItem, State, StateError, check


def _one(fields: dict[str, list[str]], name: str, default: str = "") -> str:
    values = fields.get(name) or [default]
    return values[0]


def built_state(fields: dict[str, list[str]], previous: State) -> State:
    """The state the Build form describes: its Dockerfile and context, the previous commands and tag.

    Each listed entry sends one of every ``ctx_*`` field (hidden where its kind has none),
    so the lists line up by index; ``ctx_kind`` missing (an older page) means a file."""
    removed = set(fields.get("ctx_remove", []))
    items = []
    for index, name in enumerate(fields.get("ctx_name", [])):
        name = name.strip()
        if name and str(index) not in removed:
            items.append(_listed(fields, index, name))
    new_name = _one(fields, "new_name").strip()
    if new_name:
        items.append(_added(fields, new_name))
    state = State(_lf(_one(fields, "dockerfile")), tuple(items), previous.commands, previous.tag)
    check(state)
    return state


def _at(fields: dict[str, list[str]], name: str, index: int) -> str:
    values = fields.get(name, [])
    return values[index] if index < len(values) else ""


def _listed(fields: dict[str, list[str]], index: int, name: str) -> ContextItem:
    """One entry already in the context, as its row of the form now says."""
    kind = _at(fields, "ctx_kind", index).strip() or "file"
    mode = _at(fields, "ctx_mode", index).strip()
    if kind == "folder":
        return ContextItem(name, mode=mode, kind="folder")
    if kind == "symlink":
        return _symlink(name, _at(fields, "ctx_target", index))
    if kind != "file":
        raise StateError(f"context entry {name!r}: its kind must be file, folder or symlink")
    size = _at(fields, "ctx_size", index).strip()
    if size:
        if not size.isdigit() or len(size) > 12:
            raise StateError(f"context file {name!r}: its size must be a number of bytes")
        return ContextItem(name, None, int(size), mode)
    return ContextItem(name, _lf(_at(fields, "ctx_text", index)), 0, mode)


def _added(fields: dict[str, list[str]], name: str) -> ContextItem:
    """The "Add" part: a file with its contents, an empty folder, or a symlink to its target.
    Without JavaScript every field is on the page, so a field the kind has no use for
    must be empty: a folder given contents says so rather than dropping them."""
    kind = _one(fields, "new_kind", "file").strip() or "file"
    mode, text, target = _one(fields, "new_mode").strip(), _lf(_one(fields, "new_text")), _one(fields, "new_target")
    if kind == "file":
        if target.strip():
            raise StateError(f"{name!r}: only a symlink has a target; choose Symlink, or leave Target empty")
        return ContextItem(name, text, 0, mode)
    if kind not in ("folder", "symlink"):
        raise StateError(f"context entry {name!r}: its kind must be file, folder or symlink")
    if text:
        raise StateError(f"{name!r}: a {kind} has no contents; choose File, or leave Contents empty")
    if kind == "folder":
        if target.strip():
            raise StateError(f"{name!r}: only a symlink has a target; choose Symlink, or leave Target empty")
        return ContextItem(name, mode=mode, kind="folder")
    return _symlink(name, target)


def _symlink(name: str, target: str) -> ContextItem:
    """A symlink's target is its text as typed (spaces are legal in one), but not empty."""
    if not target.strip():
        raise StateError(f"symlink {name!r}: give its target, such as app.py or ../data")
    return ContextItem(name, kind="symlink", target=target)


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
