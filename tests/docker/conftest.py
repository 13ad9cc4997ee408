"""The Docker daemon oracle, one per test session (see docker_daemon.py): started here, stopped at the end."""

from __future__ import annotations

import pytest

from docker_daemon import Daemon, DaemonError


@pytest.fixture(scope="session")
def dockerd():
    daemon = Daemon()
    try:
        daemon.start()
        daemon.import_base()
    except (DaemonError, AssertionError) as exc:
        daemon.stop()
        pytest.skip(f"no Docker daemon oracle: {exc}")
    yield daemon
    daemon.stop()
