#!/usr/bin/env python3
"""Write app/catalog/data/package-names.json.xz: every package name each distribution has.

Why: layerlab's catalog carries the files of a few hundred Debian packages,
but a Dockerfile copied from a real project installs whatever it needs. To
stay honest, ``apt-get install X`` must tell three cases apart: X is in the
catalog (real files), X exists in the distribution but not in the catalog (a
small, flagged placeholder), X exists nowhere (``E: Unable to locate package``,
exit 100, as apt). The third case needs the distribution's full list of names,
which is what this tool records: names only (plus the virtual names packages
Provide, which apt also installs), from the mirrors' own indexes.

- Debian: ``dists/<suite>/main/binary-amd64/Packages.xz`` of <suite>,
  <suite>-updates and <suite>-security, for bullseye, bookworm and trixie
  (component main: the only one the official images enable).
- Alpine: ``APKINDEX.tar.gz`` of main and community for the versions the real
  Dockerfiles use (``P:`` names and ``p:`` provides, such as ``so:libc.musl``
  or ``cmd:sh``). Alpine's mirror may be unreachable from the machine that
  builds the catalog; the versions that could not be fetched are recorded as
  such in the file's ``meta`` and apk then says it cannot check names.

Usage: tools/build_package_names.py   (network; a minute; no root needed)
"""

from __future__ import annotations

import datetime as dt
import io
import json
import lzma
import sys
import tarfile
import urllib.request
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "app" / "catalog" / "data"
OUT = DATA / "package-names.json.xz"

DEBIAN = "http://deb.debian.org/debian"
DEBIAN_SECURITY = "http://deb.debian.org/debian-security"
DEBIAN_SUITES = ["bullseye", "bookworm", "trixie"]
ALPINE = "https://dl-cdn.alpinelinux.org/alpine"
ALPINE_VERSIONS = ["3.19", "3.20", "3.21", "3.22", "3.23", "3.24"]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=15) as r:
            return r.read()
    except OSError as exc:
        print(f"  {url}: {exc}", file=sys.stderr)
        return None


def debian_index_urls(suite: str) -> list[str]:
    tail = "main/binary-amd64/Packages.xz"
    urls = [f"{DEBIAN}/dists/{suite}/{tail}", f"{DEBIAN}/dists/{suite}-updates/{tail}"]
    urls.append(f"{DEBIAN_SECURITY}/dists/{suite}-security/{tail}")
    return urls


def names_from_packages(text: str) -> tuple[set[str], set[str], dict[str, str]]:
    """(Package names, names in Provides, {package: Filename}) of a Debian Packages index."""
    names, provided, files = set(), set(), {}
    name = ""
    for line in text.splitlines():
        if line.startswith("Package: "):
            name = line[9:].strip()
            names.add(name)
        elif line.startswith("Provides: "):
            for item in line[10:].split(","):
                provided.add(item.strip().split(" ")[0])
        elif line.startswith("Filename: "):
            files[name] = line[10:].strip()
    return names, provided, files


def release_files(deb: bytes) -> dict[str, str]:
    """/usr/lib/os-release and /etc/debian_version from base-files' .deb (an ar archive)."""
    pos, out = 8, {}
    while pos < len(deb):
        name = deb[pos:pos + 16].decode().strip().rstrip("/")
        size = int(deb[pos + 48:pos + 58].decode().strip())
        member = deb[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(member), mode="r:*") as tf:
                for m in tf.getmembers():
                    path = m.name.lstrip(".")
                    if path in ("/usr/lib/os-release", "/etc/debian_version") and m.isfile():
                        out[path] = tf.extractfile(m).read().decode()
    return out


def names_from_apkindex(blob: bytes) -> tuple[set[str], set[str]]:
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tf:
        text = tf.extractfile("APKINDEX").read().decode()
    names, provided = set(), set()
    for line in text.splitlines():
        if line.startswith("P:"):
            names.add(line[2:])
        elif line.startswith("p:"):
            provided.update(item.split("=")[0] for item in line[2:].split())
    return names, provided


def main() -> None:
    out: dict = {"meta": {"generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                          "sources": {}, "unreachable": []},
                 "debian": {}, "alpine": {}}
    for suite in DEBIAN_SUITES:
        names, provided, used, files = set(), set(), [], {}
        for url in debian_index_urls(suite):
            blob = fetch(url)
            if blob is None:
                continue
            n, p, f = names_from_packages(lzma.decompress(blob).decode("utf-8", "replace"))
            names |= n
            provided |= p
            files = files or f  # the suite's own index first: base-files as released
            used.append(url)
        if not names:
            out["meta"]["unreachable"].append(f"debian {suite}")
            continue
        deb = fetch(f"{DEBIAN}/{files['base-files']}") if "base-files" in files else None
        out["debian"][suite] = {"names": sorted(names), "provides": sorted(provided - names),
                                "release_files": release_files(deb) if deb else {},
                                "base_files": files.get("base-files", "")}
        out["meta"]["sources"][f"debian {suite}"] = used
        print(f"debian {suite}: {len(names)} names, {len(provided - names)} virtual", file=sys.stderr)
    for version in ALPINE_VERSIONS:
        names, provided, used = set(), set(), []
        for repo in ("main", "community"):
            url = f"{ALPINE}/v{version}/{repo}/x86_64/APKINDEX.tar.gz"
            blob = fetch(url)
            if blob is None:
                continue
            n, p = names_from_apkindex(blob)
            names |= n
            provided |= p
            used.append(url)
        if not names:
            out["meta"]["unreachable"].append(f"alpine {version}")
            continue
        out["alpine"][version] = {"names": sorted(names), "provides": sorted(provided - names)}
        out["meta"]["sources"][f"alpine {version}"] = used
        print(f"alpine {version}: {len(names)} names", file=sys.stderr)
    text = json.dumps(out, separators=(",", ":"), sort_keys=True)
    OUT.write_bytes(lzma.compress(text.encode(), preset=9))  # xz: half the size of gzip here
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
