"""layerlab's simulated commands: each acts on the union filesystem only.

A command is a function ``(ctx: Context) -> int`` registered under the names
it answers to. Messages and exit statuses are those of Debian's tools
(coreutils, util-linux, passwd, ...), so the build log reads like docker's.
Commands layerlab does not know are never run: the interpreter records them as
not simulated, with a hint from ``not_simulated.json``.
"""

from __future__ import annotations

from .registry import HINTS, REGISTRY, not_simulated_hint, register, registrar  # noqa: F401  (the package's API)

from . import archive, copying, files, metadata, find, info, net, printing, sed, testcmd, text, users  # noqa: E402,F401  (they register)
from . import sizes  # noqa: E402,F401  (after text: it wraps head for /dev/zero)
