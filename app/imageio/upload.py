"""An uploaded image archive as the import page shows it: layers with counts, and the skeleton.

The web's import page (app/web/import_page.py) hands the uploaded bytes to the sandbox, whose
worker calls ``read_upload``; only this small, picklable summary comes back, so the web
process never parses an archive. "added" and "changed" need the layers below: a path is
changed when the merged view of the lower layers already holds it (overlayfs copies it up),
added otherwise; a whiteout deletes a path, an opaque directory hides everything below it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .reader import ImportedImage, ImportedLayer, read_archive_bytes
from .safety import ImportLimits
from .skeleton import dockerfile_of, lesson_id_from, lesson_skeleton

# An upload is bounded by the web tier before it is read (its bytes); these bound what it unpacks to.
UPLOAD_LIMITS = ImportLimits(max_entries=50_000, max_total_bytes=1 << 30, max_layers=128)


@dataclass(frozen=True)
class LayerRow:
    """One history row: what made it, and for a layer its size and changeset counts."""

    created_by: str
    empty_layer: bool
    diff_id: str | None
    size: int  # bytes of file contents and link targets, as docker history counts them
    entries: int
    added: int
    changed: int
    whiteouts: int
    opaque: int


@dataclass(frozen=True)
class Upload:
    tag: str
    format: str
    rows: list[LayerRow]
    skeleton: str  # the lesson file (YAML)
    dockerfile: str  # the Dockerfile read back from the history


def _hidden(path: str, removed: set[str]) -> bool:
    """Whether ``path`` or one of its parents is in ``removed``."""
    while path not in ("/", ""):
        if path in removed:
            return True
        path = posixpath.dirname(path)
    return False


def _row(layer: ImportedLayer, present: set[str]) -> tuple[LayerRow, set[str]]:
    """The layer's row against the paths below it, and the paths of the merged view after it."""
    removed = {e["path"] for e in layer.entries if e["type"] == "whiteout"}  # gone, with all under them
    emptied = {e["path"] for e in layer.entries if e.get("opaque")}  # they stay; what was under them does not
    if removed or emptied:
        present = {p for p in present if not _hidden(p, removed) and not _hidden(posixpath.dirname(p), emptied)}
    made = [e["path"] for e in layer.entries if e["type"] != "whiteout"]
    changed = sum(1 for path in made if path in present)
    size = sum(e["size"] for e in layer.entries if e["type"] in ("file", "symlink"))
    row = LayerRow(layer.created_by, layer.empty_layer, layer.diff_id, size, len(layer.entries),
                   added=len(made) - changed, changed=changed, whiteouts=len(removed), opaque=len(emptied))
    return row, present | set(made)


def layer_rows(imported: ImportedImage) -> list[LayerRow]:
    rows, present = [], set()
    for layer in imported.layers:
        row, present = _row(layer, present)
        rows.append(row)
    return rows


def read_upload(data: bytes, label: str, limits: ImportLimits = UPLOAD_LIMITS) -> Upload:
    """An uploaded archive's summary; raises ArchiveError (with the reader's message) for what it refuses.

    ``label`` is the file's name as uploaded: messages name it, and the lesson's id comes from it."""
    imported = read_archive_bytes(data, label, limits)
    lesson_id = lesson_id_from(posixpath.splitext(posixpath.basename(label))[0])
    return Upload(imported.tag, imported.format, layer_rows(imported), lesson_skeleton(imported, lesson_id),
                  dockerfile_of(imported))
