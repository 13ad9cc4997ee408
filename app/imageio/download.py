"""An image as a download: ``docker save`` gzip-compressed, bounded in size before it is written.

``docker load`` reads a gzip-compressed archive as it is. Files the catalog knows only by
size are zero-filled in the layer tars (see save.py), so the compressed archive is small,
but writing one still costs time and memory in proportion to the image's bytes: an image
over the limit is refused before any of it is written.
"""

from __future__ import annotations

import gzip
import io
import re

from app.engine.image import Image

from .save import write_docker_archive

DEFAULT_LIMIT_BYTES = 1024 * 1024 * 1024  # an image's bytes (docker images SIZE) a download may hold
_NOT_IN_A_TAG = re.compile(r"[^a-z0-9._/-]+")


class TooLarge(Exception):
    """The image holds more bytes than a download may; nothing was written."""

    def __init__(self, name: str, size: int, limit: int):
        self.name, self.size, self.limit = name, size, limit
        super().__init__(f"image {name!r} holds {size} bytes, over the download limit of {limit} bytes")


def download_tag(name: str) -> str:
    """A lesson's image name as a ``docker load``-able repository name (lower case, no spaces or marks)."""
    tag = _NOT_IN_A_TAG.sub("-", name.lower()).strip("-./") or "image"
    return tag


def gzipped_docker_save(image: Image, name: str, limit: int = DEFAULT_LIMIT_BYTES) -> bytes:
    """``docker save NAME | gzip`` of ``image``; raises TooLarge first if the image is over ``limit``.

    mtime 0 and no file name in the gzip header: the same image gives the same bytes."""
    if image.size > limit:
        raise TooLarge(name, image.size, limit)
    body = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=body, mtime=0, compresslevel=6) as packed:
        write_docker_archive(image, packed, download_tag(name))
    return body.getvalue()
