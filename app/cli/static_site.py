"""The web app's pages as files in a folder: which file a URL becomes, and links rewritten to it.

A static copy is made of what the server serves (pages fetched through Flask's
test client), so it cannot drift from the web app. Only the addresses change:
every ``/lessons/<id>/<n>?lang=zh`` becomes a relative path such as
``../../lessons/<id>/<n>.zh.html``, so the folder opens from ``file://``, from a
USB stick or from any static host, and no request leaves it.

File names: the first language exported gets the plain names (``index.html``,
``lessons/<id>/3.html``, ``3.svg``, ``3.png``), every other one a suffix
(``index.zh.html``, ``3.zh.svg``). Query arguments other than ``lang`` (the
glosses switch, presentation mode) have no file of their own: their links lead
to the page in its default form.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import parse_qs, urlsplit

STEP = re.compile(r"\A/lessons/(?P<id>[a-z0-9][a-z0-9-]{0,63})/(?P<n>[0-9]{1,6})(?:\.(?P<fmt>svg|png))?\Z")
LESSON = re.compile(r"\A/lessons/(?P<id>[a-z0-9][a-z0-9-]{0,63})(?:/|/go|/handout)?\Z")

# Attributes that carry an address in layerlab's templates (data-first/-last: the Home and End keys).
URL_ATTRIBUTE = re.compile(r'(?P<name>\s(?:href|src|action|data-first|data-last|xlink:href))="(?P<url>/[^"]*)"')
# htmx fetches a panel by XHR, which file:// refuses: in a static copy every link is a plain link.
HTMX_ATTRIBUTE = re.compile(r'\shx-[a-z-]+(?:="[^"]*")?')
# The playground runs builds on a server: a static copy has none, so its links are left out.
PLAYGROUND_LINK = re.compile(r'<a\b[^>]*\shref="/play[?"][^>]*>.*?</a>', re.S)
# So is an image's download (made on request from the build): the paragraph holding its link goes.
DOWNLOAD_LINK = re.compile(r'<p class="download-image">.*?</p>', re.S)
# Likewise the layer inspector: inside a diagram a layer's link is unwrapped, leaving the drawing.
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_LINK = re.compile(r"<a\b[^>]*>|</a>")


def _unlinked(svg: re.Match) -> str:
    return SVG_LINK.sub(lambda m: "</g>" if m[0] == "</a>" else "<g>", svg[0])


class SiteMap:
    """Which file each address of the web app becomes, for the languages exported."""

    def __init__(self, langs: list[str]):
        self.langs = langs

    def _suffix(self, lang: str) -> str:
        return "" if lang == self.langs[0] else f".{lang}"

    def lang_of(self, url: str, default: str | None = None) -> str:
        lang = parse_qs(urlsplit(url).query).get("lang", [default or self.langs[0]])[0]
        return lang if lang in self.langs else self.langs[0]

    def address(self, url: str, default_lang: str | None = None) -> str | None:
        """The one address of the page ``url`` shows, ``lang`` only; None: not part of the site.

        The lesson's start and the step form (``/lessons/<id>``, ``/go``) are its step 1. A link
        without ``lang`` (the step form's action) stays in ``default_lang``, the page's."""
        path = urlsplit(url).path
        query = f"?lang={self.lang_of(url, default_lang)}"
        if path == "/" or STEP.match(path):
            return path + query
        if path.startswith("/static/") and ".." not in path:
            return path
        lesson = LESSON.match(path)
        if lesson:
            return f"/lessons/{lesson['id']}/{'handout' if path.endswith('/handout') else '1'}{query}"
        return None

    def file_for(self, address: str) -> str:
        """The file (relative to the site's folder) that stands for an ``address()``."""
        path = urlsplit(address).path
        sfx = self._suffix(self.lang_of(address))
        if path == "/":
            return f"index{sfx}.html"
        if path.startswith("/static/"):
            return path.lstrip("/")
        step = STEP.match(path)
        if step:
            return f"lessons/{step['id']}/{step['n']}{sfx}.{step['fmt'] or 'html'}"
        return f"lessons/{LESSON.match(path)['id']}/handout{sfx}.html"

    def rewrite(self, page_file: str, text: str, lang: str) -> tuple[str, list[str]]:
        """The page (in ``lang``) with its links made relative to ``page_file``, and the addresses it links to."""
        found: list[str] = []
        here = posixpath.dirname(page_file) or "."

        def relative(match: re.Match) -> str:
            url = html.unescape(match["url"])
            address = self.address(url, lang)
            if address is None:
                return match[0]
            target = self.file_for(address)
            if not target.startswith("static/"):
                found.append(address)
            fragment = f"#{urlsplit(url).fragment}" if urlsplit(url).fragment else ""
            return f'{match["name"]}="{html.escape(posixpath.relpath(target, here) + fragment)}"'

        text = SVG.sub(_unlinked, DOWNLOAD_LINK.sub("", PLAYGROUND_LINK.sub("", HTMX_ATTRIBUTE.sub("", text))))
        return URL_ATTRIBUTE.sub(relative, text), found
