"""An imported image as a lesson skeleton: one step per layer, for a teacher to write around.

The image's Dockerfile is read back from its history (``docker history`` rows are the
instructions BuildKit ran, ``RUN /bin/sh -c X # buildkit`` being ``RUN X``); rows a
Dockerfile cannot say (the base's ``ADD file:... in /``, ``Imported from -``) are the base,
which the history does not name: the skeleton starts ``FROM scratch`` then and says so at the
top. Each step builds one instruction and tells, in its text, what that layer's tar holds:
the changeset table (first ``MAX_ROWS`` entries) with whiteouts, opaque dirs, links, modes
and sizes, exactly as read from the archive.
"""

from __future__ import annotations

import io
import json
import re

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from app.dockerfile.instruction_types import KEYWORDS

from .reader import ImportedImage, ImportedLayer

MAX_ROWS = 40
_BUILDKIT_ARGS = re.compile(r"^RUN \|\d+(?: [^ =]+=[^ ]*)* ")
_CLASSIC_SHELL = "/bin/sh -c "
# BuildKit records an exec form with Go's %q of a []string: CMD ["sh" "main.sh"], no commas.
_GO_LIST = re.compile(r'^(CMD|ENTRYPOINT|SHELL) \[((?:"(?:[^"\\]|\\.)*" ?)*)\]$')
_GO_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _exec_form(text: str) -> str:
    """``CMD ["sh" "main.sh"]`` (history) -> ``CMD ["sh", "main.sh"]`` (a Dockerfile's JSON)."""
    match = _GO_LIST.match(text)
    if match is None:
        return text
    try:
        words = [json.loads(word) for word in _GO_STRING.findall(match.group(2))]
    except ValueError:
        return text
    return f"{match.group(1)} {json.dumps(words)}"


def instruction_of(created_by: str) -> str | None:
    """The Dockerfile line a history row records, or None (the base's rows, odd ones)."""
    text = created_by.removesuffix(" # buildkit").strip()
    text = _BUILDKIT_ARGS.sub("RUN ", text)
    if text.startswith("RUN /bin/sh -c "):
        text = "RUN " + text.removeprefix("RUN /bin/sh -c ")
    elif text.startswith(_CLASSIC_SHELL + "#(nop) "):
        text = text.removeprefix(_CLASSIC_SHELL + "#(nop) ").strip()
    elif text.startswith(_CLASSIC_SHELL):
        text = "RUN " + text.removeprefix(_CLASSIC_SHELL)
    text = _exec_form(text)
    keyword = text.split(" ", 1)[0]
    if keyword not in KEYWORDS or "\n" in text or re.search(r"\b(file|dir):[0-9a-f]{16,} in ", text):
        return None
    return text


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def changeset_table(layer: ImportedLayer) -> str:
    """The layer's changeset as a markdown table, bounded."""
    rows = ["| path | type | mode | size | target |", "|---|---|---|---|---|"]
    for entry in layer.entries[:MAX_ROWS]:
        kind = entry["type"] + (" (opaque)" if entry.get("opaque") else "")
        rows.append(f"| `{_cell(entry['path'])}` | {kind} | {entry['mode']} | {entry['size']} | "
                    f"{_cell(entry.get('target') or '')} |")
    more = len(layer.entries) - MAX_ROWS
    if more > 0:
        rows.append(f"\n… and {more} more entries (`layerlab import --json` prints them all).")
    return "\n".join(rows)


def _plan(imported: ImportedImage) -> tuple[list[str], list[list[ImportedLayer]], bool]:
    """Dockerfile lines and, per line, the history rows it stands for; and whether FROM was guessed."""
    rows = list(imported.layers)
    lines: list[str] = []
    groups: list[list[ImportedLayer]] = []
    base: list[ImportedLayer] = []
    while rows and instruction_of(rows[0].created_by) is None:
        base.append(rows.pop(0))
    guessed = not (rows and rows[0].created_by.startswith("FROM ")) or bool(base)
    if guessed:
        lines.append("FROM scratch")
        groups.append(base)
    for row in rows:
        line = instruction_of(row.created_by)
        if line is None:
            groups[-1].append(row)
            continue
        lines.append(line)
        groups.append([row])
    return lines, groups, guessed


def _say(rows: list[ImportedLayer]) -> str:
    parts = []
    for row in rows:
        if row.empty_layer:
            parts.append(f"`{_cell(row.created_by)}` changed the config only: no layer.")
        else:
            parts.append(f"`{_cell(row.created_by) or '(no history)'}` made layer `{row.diff_id}` "
                         f"({len(row.entries)} entries):\n\n{changeset_table(row)}")
    return "\n\n".join(parts) or "(write what this step shows)"


def lesson_id_from(name: str) -> str:
    """A lesson id from a file name (``My App.yaml`` -> ``my-app``)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "imported"


def dockerfile_of(imported: ImportedImage) -> str:
    """The Dockerfile read back from the history (the skeleton's image), for the playground."""
    return "\n".join(_plan(imported)[0]) + "\n"


def lesson_skeleton(imported: ImportedImage, lesson_id: str) -> str:
    """The lesson file's text (YAML)."""
    _, groups, guessed = _plan(imported)
    steps = [{"build": "imported", "instruction": n,
              "say": {"en": LiteralScalarString(_say(rows) + "\n")}} for n, rows in enumerate(groups, 1)]
    lesson = {
        "id": lesson_id,
        "languages": ["en"],
        "title": {"en": f"Taking apart {imported.tag}"},
        "summary": {"en": f"The layers of {imported.tag}, one step each, as its {imported.format} archive holds them."},
        "images": [{"name": "imported", "context_partial": True,
                    "dockerfile": LiteralScalarString(dockerfile_of(imported))}],
        "steps": steps,
    }
    out = io.StringIO()
    out.write(f"# Imported by `layerlab import` from {imported.source} ({imported.format} archive).\n")
    if guessed:
        out.write("# The history does not name the base image: set FROM (it reads `FROM scratch`).\n")
    yaml = YAML()
    yaml.width = 4096
    yaml.dump(lesson, out)
    return out.getvalue()
