"""EXPOSE's port words, checked as BuildKit checks them: when typing, and again once expanded."""

from __future__ import annotations

import re

_PORT_SPEC = re.compile(r"(?:[0-9.:]*:)?([0-9]+)(?:-([0-9]+))?(?:/([A-Za-z]*))?\Z")


def check_port_spec(port: str) -> str | None:
    """The problem with an EXPOSE word ("80", "80/tcp", "8000-8010/udp"), None if fine."""
    match = _PORT_SPEC.match(port)
    if not match:
        return f"invalid containerPort: {port}"
    low, high, proto = match.groups()
    if int(low) > 65535 or (high is not None and int(high) > 65535):
        return f"invalid containerPort: {port}"
    if high is not None and int(high) < int(low):
        return f"invalid range specified for containerPort: {port}"
    if proto is not None and proto.lower() not in ("tcp", "udp", "sctp"):
        return f"invalid proto: {proto}"
    return None
