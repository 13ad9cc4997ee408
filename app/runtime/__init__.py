"""The runtime: Docker's verbs (build, run, exec, commit, diff, rm) in one place.

The lesson player, the CLI and the web call these; nothing above this package
builds an image or runs a command in a container any other way.
"""
from app.build import BuildError, BuildResult, BuildStep, Context, ContextFile, StageResult, Uncertain  # noqa: F401
from app.build import BuildCache, from_folder, planned_steps  # noqa: F401
from app.build.cache_keys import CacheStep, progress_lines  # noqa: F401

from .daemon import DockerError, NameInUse, NoSuchContainer, NoSuchImage, Runtime  # noqa: F401
from .diff import container_diff  # noqa: F401
from .disk import DiskReport, disk_report  # noqa: F401
from .exec import ExecResult, exec_in  # noqa: F401
