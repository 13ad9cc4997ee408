"""The oracles: check the simulation against the Linux kernel's overlayfs.

The one package of layerlab that starts processes and mounts file systems on
the host (fork, unshare, mount, a static busybox in a chroot), and only in a
private mount namespace that dies with its process. Everything else in app/
is pure and must import nothing that can start a process
(tests/test_layering.py checks it).

- ``kernel``: materialize layers as overlay2 does, mount them, replay
  operations or ``sh -c`` for real, read the result back (``Outcome``).
- ``records``: the comparable records both sides are reduced to.
- ``disk``: layers on disk in overlay2's format, and back.
- ``replay``: ``layerlab verify``'s checks of builds and container commands.

It reads app.build and app.engine, never app.lessons: the CLI plays a lesson
and hands over plain data (``ContainerCommand``).
"""

from .kernel import overlay_available  # noqa: F401
from .replay import (  # noqa: F401
    CannotBuild,
    ContainerCommand,
    StepCheck,
    check_build,
    check_container_commands,
    check_dockerfile,
    report,
)
