"""Fixtures of the engine tests."""

from __future__ import annotations

import pytest

from app.engine import Layer

from engine_helpers import make_layer


@pytest.fixture
def etc_image() -> list[Layer]:
    """Two image layers: a base with /etc, and a layer that changes /etc/motd."""
    base = make_layer({
        "/etc": "dir",
        "/etc/motd": b"base motd\n",
        "/etc/os-release": b"ID=debian\n",
        "/etc/ssl": "dir",
        "/etc/ssl/certs": "dir",
        "/etc/ssl/certs/ca.pem": b"CA",
        "/etc/ssl/openssl.cnf": b"cnf",
        "/bin": "dir",
        "/bin/sh": b"ELF",
    })
    top = make_layer({"/etc": "dir", "/etc/motd": b"layer-1 motd\n"})
    return [base, top]
