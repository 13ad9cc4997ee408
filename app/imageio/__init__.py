"""Images in and out: an engine ``Image`` written as real tools read it, and an archive read back.

- ``save.write_docker_archive(image, out, tag)``: what ``docker save`` writes (manifest.json,
  the config, one ``<id>/layer.tar`` per layer), readable by ``docker load``.
- ``save.write_oci_layout(image, folder, tag)``: an OCI image layout (oci-layout, index.json,
  blobs/sha256), readable by skopeo and umoci.
- ``reader.read_archive(path, limits)``: a ``docker save`` archive or an OCI layout (folder or
  tar) -> ``ImportedImage``: per history entry, created_by and the layer's changeset, read with
  bounds (size, entries) and refusing paths that climb out of the image (``safety.py``).
- ``skeleton.lesson_skeleton(imported, ...)``: a lesson file that walks those layers.

Layers are app/engine/tarball.py's deterministic tars, so a diff_id here is the one the
engine computes. Files whose bytes the simulator does not know (``data=None``) are written
as zero-filled regular files of their size (not sparse: PAX sparse headers are read
differently by different tools, and a zero-filled file is what every reader agrees on).
"""

from .config import image_config
from .reader import ArchiveError, ImportLimits, ImportedImage, ImportedLayer, read_archive
from .save import write_docker_archive, write_oci_layout

__all__ = ["ArchiveError", "ImportLimits", "ImportedImage", "ImportedLayer", "image_config", "read_archive",
           "write_docker_archive", "write_oci_layout"]
