"""The runtime: Docker's verbs on one in-memory daemon state (images and containers by name).

``build``, ``run``, ``exec``, ``commit``, ``diff``, ``rm``: what a student types,
each a method returning a typed result, so the lesson player, the CLI and the
web playground make the same calls and get the same answers. Errors are the
daemon's (``No such container: web``), raised as ``DockerError`` subclasses.
"""

from __future__ import annotations

from app.build import BuildResult, Context
from app.build.cache import BuildCache
from app.build.cache_keys import CacheStep, cache_keys, cached
from app.dockerfile.errors import DockerfileError
from app.build import build as build_dockerfile
from app.engine import Change, Container, Image, Layer, commit, copy_layer

from .diff import container_diff
from .exec import ExecResult, exec_in


class DockerError(Exception):
    """A verb the daemon refuses; the message reads like Docker's."""


class NoSuchImage(DockerError):
    def __init__(self, name: str):
        super().__init__(f"Unable to find image '{name}' locally")
        self.name = name


class NoSuchContainer(DockerError):
    def __init__(self, name: str):
        super().__init__(f"Error response from daemon: No such container: {name}")
        self.name = name


class NameInUse(DockerError):
    def __init__(self, name: str):
        super().__init__(f'Error response from daemon: Conflict. The container name "/{name}" is already in use. '
                         "You have to remove (or rename) that container to be able to reuse that name.")
        self.name = name


class Runtime:
    """One daemon's state. Containers are never stopped: ``rm`` removes one as ``rm -f`` would."""

    def __init__(self, cache: BuildCache | None = None) -> None:
        self.cache = cache  # Docker's build cache, if this daemon keeps one
        self.images: dict[str, Image] = {}
        self.containers: dict[str, Container] = {}
        self.builds: dict[str, BuildResult] = {}  # the last build of each tag, steps and all
        # BuildKit's cache as docker build reports it: every key built so far, and for the last
        # build of each tag, each instruction with whether it was CACHED (app/build/cache_keys.py)
        self.cache_keys_seen: set[str] = set()
        self.cache_report: dict[str, list[tuple[CacheStep, bool | None]]] = {}
        self._unnamed = 0

    # -- images ------------------------------------------------------------------
    def build(self, text: str, context: Context | None = None, *, tag: str = "image",
              filename: str = "Dockerfile", target: str | None = None,
              build_args: dict[str, str] | None = None, cache: BuildCache | None = None,
              context_partial: bool = False) -> BuildResult:
        """``docker build -t TAG``: the image is tagged only when every step succeeded.
        Raises DockerfileError (a bad Dockerfile) and BuildError (a build that cannot start).
        ``cache``: Docker's build cache, steps reused by content (app/build/cache.py)."""
        result = build_dockerfile(text, context, filename=filename, name=tag, target=target, build_args=build_args,
                                  cache=cache or self.cache, context_partial=context_partial)
        self.builds[tag] = result
        self._remember_keys(text, context or {}, tag, filename, build_args,
                            result.failed.line if result.failed is not None else None)
        if result.failed is None:
            self.images[tag] = result.image
        return result

    def _remember_keys(self, text: str, context: Context, tag: str, filename: str,
                       build_args: dict[str, str] | None, failed_line: int | None) -> None:
        """The build's BuildKit keys: CACHED or not against earlier builds; kept for later ones up to
        a failed step (BuildKit keeps what finished, nothing after the failure)."""
        try:
            steps = cache_keys(text, context, filename=filename, build_args=build_args)
        except DockerfileError:  # the build itself already said why
            return
        self.cache_report[tag] = list(zip(steps, cached(steps, self.cache_keys_seen)))
        self.cache_keys_seen |= {step.key for step in steps if step.key is not None
                                 and (failed_line is None or step.line < failed_line)}

    def image(self, name: str) -> Image:
        if name not in self.images:
            raise NoSuchImage(name)
        return self.images[name]

    def commit(self, container: str, tag: str, *, created_by: str | None = None) -> Image:
        """``docker commit CONTAINER TAG``: the writable layer, copied and frozen, on top of the image."""
        found = self.container(container)
        config = found.image.config
        command = " ".join([*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])])
        image = commit(found, created_by or command or f"docker commit {container} {tag}", name=tag)
        self.images[tag] = image
        return image

    # -- containers --------------------------------------------------------------
    def container(self, name: str) -> Container:
        if name not in self.containers:
            raise NoSuchContainer(name)
        return self.containers[name]

    def run(self, image: str, *, name: str | None = None) -> Container:
        """``docker run -d [--name NAME] IMAGE``: a new empty writable layer over the image.
        The image's CMD is not run; commands come through ``exec``. Unnamed containers get
        names in order (``container-1``...) where Docker picks random ones."""
        source = self.image(image)
        if name is None:
            name = self._next_name()
        if name in self.containers:
            raise NameInUse(name)
        container = Container(name, source, Layer())
        self.containers[name] = container
        return container

    def exec(self, container: str, command: str) -> ExecResult:
        """``docker exec CONTAINER sh -c COMMAND``."""
        return exec_in(self.container(container), command)

    def diff(self, container: str) -> list[Change]:
        """``docker diff CONTAINER``."""
        return container_diff(self.container(container))

    def rm(self, container: str) -> None:
        """``docker rm -f CONTAINER``: its writable layer goes; the image stays."""
        self.container(container)
        del self.containers[container]

    def snapshots(self, image: Image) -> list[Container]:
        """The containers of ``image`` as they stand now, each with a copy of its writable layer,
        so later commands cannot change what an earlier snapshot shows."""
        return [Container(c.name, c.image, copy_layer(c.upper)) for c in self.containers.values() if c.image is image]

    def _next_name(self) -> str:
        while True:
            self._unnamed += 1
            name = f"container-{self._unnamed}"
            if name not in self.containers:
                return name
