"""``docker system df -v`` and ``docker ps -s``: what a set of images and containers uses on disk."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine import Container, Image
from app.engine.store import ImageUsage, Store


@dataclass
class DiskReport:
    """Images' sizes with their shared layers counted once, and the containers' own layers."""

    images: list[ImageUsage]  # in the order asked for
    containers: list[Container]
    on_disk: int  # every layer stored once
    naive_total: int  # what summing the images' sizes would suggest


def disk_report(images: list[Image], containers: list[Container]) -> DiskReport:
    """The report for ``images`` (each name once) and ``containers``, as a fresh layer store sees them."""
    store = Store()
    for image in images:
        store.add_image(image)
    usage = {u.name: u for u in store.system_df()}
    return DiskReport([usage[i.name] for i in images], containers, store.disk_usage().images_size,
                      sum(i.size for i in images))
