"""Answering a repeated request for a page before Flask runs: the response as sent, or its 304.

A cacheable view (app/web/caching.py) leaves a ``Validity`` in the WSGI
environ: the files the page read, their hashes, and its ETag. This middleware,
wrapped around the Flask app, keeps the response exactly as it went out
(status, headers and the body compressed for that Accept-Encoding) under the
request's own key: path, query string, the htmx headers and Accept-Encoding.
When the same request comes again it checks, with one ``stat`` per lesson
file, that no file changed, then answers:

- ``If-None-Match`` naming the ETag: 304 at once;
- otherwise the kept response, byte for byte: nothing is routed, hashed,
  rendered or compressed again.

A changed file drops the entry and the request goes through Flask as before,
so the ETag and the page follow the lesson file. Entries live in the same
bounded LRU as the rendered pages (``LAYERLAB_PAGE_CACHE_BYTES``); bodies over
``MAX_KEPT_BODY`` (image downloads) keep only their ETag. Only GET is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.http import parse_etags, quote_etag

from .caching import FRONT_MARK, PAGE_CACHE_CONTROL, VARY, PageCache, Validity, matching_tag

MAX_KEPT_BODY = 1024 * 1024
KEY_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_ACCEPT_ENCODING")


@dataclass(frozen=True)
class SentResponse:
    """One response as it went out; ``body`` None when only its ETag is kept (a 304, a large body)."""
    validity: Validity
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    key_size: int

    @property
    def weight(self) -> int:
        return len(self.body or b"") + self.key_size + 256


class FrontCache:
    """WSGI middleware: ``app.wsgi_app = FrontCache(app.wsgi_app, pages)``."""

    def __init__(self, wsgi_app, pages: PageCache):
        self.wsgi_app = wsgi_app
        self.pages = pages

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        key = request_key(environ)
        kept = self.pages.get(key)
        if kept is not None:
            if not kept.validity.still_valid():
                self.pages.drop(key)
            else:
                tags = environ.get("HTTP_IF_NONE_MATCH")
                tag = matching_tag(parse_etags(tags), kept.validity.etag) if tags else None
                if tag is not None:
                    start_response("304 NOT MODIFIED", not_modified_headers(tag))
                    return []
                if kept.body is not None:
                    start_response(kept.status, list(kept.headers))
                    return [kept.body]
        return self._through(environ, start_response, key)

    def _through(self, environ, start_response, key):
        sent = {}

        def capture(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        validity = environ.get(FRONT_MARK)
        status = sent.get("status", "")
        if validity is None or not status.startswith(("200", "304")):
            return body
        headers = tuple((name, value) for name, value in sent["headers"] if name.lower() != "date")
        if status.startswith("304") or _length(headers) > MAX_KEPT_BODY:
            if self.pages.get(key) is None:  # a full entry already kept stays
                self.pages.put(key, SentResponse(validity, status, headers, None, _key_size(key)))
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.pages.put(key, SentResponse(validity, status, headers, data, _key_size(key)))
        return [data]


def request_key(environ) -> tuple[str, ...]:
    """What a kept response is found by: everything of the request a cacheable page may read."""
    return ("front", environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
            *(environ.get(name, "") for name in KEY_HEADERS))


def not_modified_headers(tag: str) -> list[tuple[str, str]]:
    """The headers of caching.py's 304, for the tag as the client sent it."""
    return [("ETag", quote_etag(tag)), ("Cache-Control", PAGE_CACHE_CONTROL), ("Vary", VARY)]


def _length(headers) -> int:
    for name, value in headers:
        if name.lower() == "content-length" and value.isdigit():
            return int(value)
    return MAX_KEPT_BODY + 1  # unknown length: not kept


def _key_size(key: tuple[str, ...]) -> int:
    return sum(len(part) for part in key)
