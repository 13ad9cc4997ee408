"""HTTP caching for pages that are pure functions of the lesson files and the URL.

A view opts in with ``@cacheable()``. Before the view runs, the decorator
computes the page's ETag from everything the page depends on: the hashes of
the files it reads (the lesson folder by default: a step page also names the
next lesson), this code's fingerprint, the path, the query parameters that
change the page (lang, terms, present, and any the view names) and whether
htmx asks for the partial. So:

- ``If-None-Match`` with that ETag answers 304 at once: nothing is played or
  rendered (Flask-Compress turns ``"x"`` into ``"x:br"`` on compressed
  responses; both match);
- otherwise the rendered response is kept in a bounded per-process LRU keyed
  by the ETag (nothing is shared between workers), so a page is rendered once
  per worker until a file changes;
- the response as sent (compressed per Accept-Encoding) is kept too, and
  app/web/front_cache.py answers the same request again, or its 304, before
  Flask runs, after one ``stat`` per lesson file says nothing changed;
- a 200 says ``Cache-Control: public, max-age=60, stale-while-revalidate=600``,
  so browsers and CDNs keep it and revalidate cheaply.

Static files get a content hash in their URL (``url_for('static', ...)`` adds
``?v=<hash>``) and are then ``immutable`` for a year.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from cachetools import LRUCache
from flask import Flask, Response, current_app, make_response, request
from werkzeug.datastructures import ETags

from .fingerprints import file_hash, tree_hash
from .query import kept

PAGE_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600"
STATIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
VARY = "HX-Request, HX-History-Restore-Request, Accept-Encoding"
HTMX_HEADERS = ("HX-Request", "HX-History-Restore-Request")
DEFAULT_PAGE_CACHE_BYTES = 32 * 1024 * 1024


@dataclass
class StoredPage:
    body: bytes
    status: int
    headers: list[tuple[str, str]]

    @property
    def weight(self) -> int:
        return len(self.body) + 256


FRONT_MARK = "layerlab.validity"  # the environ key the views leave their Validity under


@dataclass(frozen=True)
class Validity:
    """What a page was computed from: the files it reads and their hashes then, and its ETag."""
    files: tuple[Path, ...]
    hashes: tuple[str, ...]
    etag: str

    def still_valid(self) -> bool:
        return tuple(tree_hash(path) for path in self.files) == self.hashes


class PageCache:
    """Rendered responses by ETag: an LRU bounded in bytes, one per process (waitress has threads)."""

    def __init__(self, max_bytes: int):
        self.lru: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=lambda page: page.weight)
        self.lock = threading.Lock()

    def get(self, etag: str) -> StoredPage | None:
        with self.lock:
            return self.lru.get(etag)

    def put(self, etag, page) -> None:
        with self.lock:
            try:
                self.lru[etag] = page
            except ValueError:  # larger than the whole cache: served, not kept
                pass

    def drop(self, key) -> None:
        with self.lock:
            self.lru.pop(key, None)


@dataclass
class CachingState:
    code: str  # a fingerprint of the program: a new deploy gives every page a new ETag
    pages: PageCache


def init_caching(app: Flask) -> None:
    # What a page is also a function of: this program, its templates and static files.
    code_folders = [Path(app.root_path), Path(app.root_path, app.template_folder or ""), Path(app.static_folder or "")]
    code = hashlib.sha256("".join(tree_hash(folder) for folder in code_folders).encode()).hexdigest()
    size = int(app.config.get("LAYERLAB_PAGE_CACHE_BYTES", DEFAULT_PAGE_CACHE_BYTES))
    app.extensions["layerlab_caching"] = CachingState(code, PageCache(size))
    app.url_defaults(_fingerprint_static)
    app.after_request(_static_headers)


def _state() -> CachingState:
    return current_app.extensions["layerlab_caching"]


def _lessons_root() -> list[Path]:
    return [Path(current_app.config["LAYERLAB_LESSONS"])]


def cacheable(depends_on: Callable[..., Iterable[Path]] | None = None, args: tuple[str, ...] = ()):
    """Opt a GET view in to ETags, 304s and the page cache.

    ``depends_on(**view_args)`` names the files or folders the page reads (the
    lesson folder when None); ``args`` names query parameters the view reads
    beyond lang, terms and present. The view must be a pure function of those."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(**view_args):
            files = tuple(depends_on(**view_args) if depends_on else _lessons_root())
            hashes = tuple(tree_hash(path) for path in files)
            etag = page_etag(files, args, hashes)
            validity = Validity(files, hashes, etag)
            matched = matching_tag(request.if_none_match, etag)
            if matched is not None:
                request.environ[FRONT_MARK] = validity
                return _not_modified(matched)
            state = _state()
            page = state.pages.get(etag)
            if page is None:
                response = make_response(view(**view_args))
                if response.status_code != 200 or response.is_streamed:
                    return response  # errors and redirects are not kept: their pages say what is wrong
                page = StoredPage(response.get_data(), response.status_code, list(response.headers.items()))
                state.pages.put(etag, page)
            request.environ[FRONT_MARK] = validity  # the response as sent may be kept (front_cache.py)
            return _with_headers(Response(page.body, status=page.status, headers=page.headers), etag)
        return wrapper
    return decorator


def page_etag(files: Iterable[Path], args: tuple[str, ...] = (), hashes: Iterable[str] | None = None) -> str:
    """Everything the page is a function of, hashed; cheap (file hashes are kept by mtime and size).

    ``hashes``: the files' tree hashes when the caller has them already."""
    files = list(files)
    hashes = list(hashes) if hashes is not None else [tree_hash(path) for path in files]
    parts = [_state().code, request.script_root, request.path]
    parts += [f"{name}={value}" for name, value in sorted(kept().items())]
    parts += [f"{name}={request.args.getlist(name)}" for name in args]
    parts += [f"{name}={request.headers.get(name) == 'true'}" for name in HTMX_HEADERS]
    parts += [f"{path}:{digest}" for path, digest in zip(files, hashes)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def matching_tag(tags: ETags, etag: str) -> str | None:
    """The tag of If-None-Match (``tags``) that names this content, as the client sent it, if any.

    Weak comparison, as RFC 9110 asks for If-None-Match; ``"x:gzip"`` is Flask-Compress's
    name for ``"x"`` compressed."""
    if tags.star_tag:
        return etag
    for tag in tags.as_set(include_weak=True):
        if tag.split(":", 1)[0] == etag:
            return tag
    return None


def _not_modified(tag: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = PAGE_CACHE_CONTROL
    response.headers["Vary"] = VARY
    return response


def _with_headers(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = PAGE_CACHE_CONTROL
    response.headers["Vary"] = "HX-Request, HX-History-Restore-Request"  # Flask-Compress adds Accept-Encoding
    return response


# -- static files: a content hash in the URL, then immutable -----------------------
def _static_hash(filename: str) -> str | None:
    folder = current_app.static_folder
    if not folder:
        return None
    try:
        return file_hash(Path(folder) / filename)[:16]
    except OSError:  # not a file: the URL stays as it was and answers 404
        return None


def _fingerprint_static(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = _static_hash(values["filename"])
        if digest:
            values["v"] = digest


def _static_headers(response: Response) -> Response:
    """A static URL that names the file's current hash never changes: keep it a year."""
    if request.endpoint == "static" and response.status_code in (200, 304):
        wanted = request.args.get("v")
        if wanted and wanted == _static_hash((request.view_args or {}).get("filename", "")):
            response.headers["Cache-Control"] = STATIC_CACHE_CONTROL
    return response
