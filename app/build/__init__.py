"""Build: typed Dockerfile instructions -> an engine Image, step by step.

RUN goes through app.shell, FROM and packages through app.catalog; nothing is
ever executed on the host. Callers outside the build go through app.runtime.
"""
from .context import Context, ContextDir, ContextError, ContextFile, ContextSymlink, resolve  # noqa: F401
from .folder import from_folder  # noqa: F401
from .cache import BuildCache  # noqa: F401
from .results import BuildError, BuildResult, BuildStep, StageResult, Uncertain  # noqa: F401
from .run_step import package_tool  # noqa: F401
from .stages import build, planned_steps  # noqa: F401
