"""Build: typed Dockerfile instructions -> an engine Image, step by step.

RUN goes through app.shell, FROM and packages through app.catalog; nothing is
ever executed on the host.
"""
from .builder import BuildError, BuildResult, BuildStep, StageResult, build  # noqa: F401
from .context import Context, ContextDir, ContextError, ContextFile, ContextSymlink, from_folder, resolve  # noqa: F401
