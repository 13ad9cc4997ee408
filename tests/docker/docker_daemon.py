"""A private Docker daemon for the differential tests: Debian's docker.io, run by the tests.

Nothing is installed here (``tools/setup.sh --test`` installs docker.io). The
daemon gets its own socket, data root, exec root and pid file under a temporary
folder, no iptables and no bridge (builds and runs use ``--network none``), and
the overlay2 storage driver, so its layers are the kernel's overlayfs, as the
engine models. dockerd starts its own containerd (under the exec root).

The base image is the catalog's ``busybox:1.36`` tree made real: the same
directories, files, modes and one symlink per applet, with Debian's static
busybox as /bin/busybox, imported with ``docker import`` under the name the
catalog knows. So the same Dockerfile text builds ``FROM busybox:1.36`` on
both sides, from the same tree (see test_docker_differential's NOT_COMPARED
for the base's bytes).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

DOCKER = "/usr/bin/docker"  # Debian's client, the daemon's version (not /usr/local/bin's)
DOCKERD = "/usr/sbin/dockerd"
BUSYBOX = "/bin/busybox"
BASE_REF = "busybox:1.36"
START_SECONDS = 60


class DaemonError(Exception):
    """dockerd could not start here; the message says why (the tests skip with it)."""


class Daemon:
    """One dockerd of our own; ``docker(...)`` runs the matching client against it."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="layerlab-dockerd-"))
        self.socket = self.root / "docker.sock"
        self.log_path = self.root / "dockerd.log"
        self.process: subprocess.Popen | None = None

    # -- lifetime ------------------------------------------------------------------
    def start(self) -> None:
        for binary in (DOCKER, DOCKERD, BUSYBOX):
            if not os.access(binary, os.X_OK):
                raise DaemonError(f"{binary} is missing: run `bash tools/setup.sh --test` (docker.io, busybox-static)")
        if os.geteuid() != 0:
            raise DaemonError("dockerd needs root (overlay2 mounts, namespaces)")
        argv = [DOCKERD, "--iptables=false", "--ip-masq=false", "--bridge=none", "--storage-driver=overlay2",
                f"--host=unix://{self.socket}", f"--data-root={self.root / 'data'}",
                f"--exec-root={self.root / 'exec'}", f"--pidfile={self.root / 'docker.pid'}"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DaemonError(f"dockerd exited with status {self.process.returncode}: {self._log_tail()}")
            if self.socket.exists() and self.docker("version", check=False).returncode == 0:
                return
            time.sleep(0.2)
        raise DaemonError(f"dockerd did not answer within {START_SECONDS} s: {self._log_tail()}")

    def stop(self) -> None:
        """Stop the daemon (it stops its containerd and shims), then unmount what is left."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for mount in reversed(_mounts_under(self.root)):
            subprocess.run(["umount", "-l", mount], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        wanted = [line for line in lines if "level=error" in line or "level=fatal" in line] or lines
        return " | ".join(wanted[-3:])

    # -- the client ------------------------------------------------------------------
    def docker(self, *args: str, check: bool = True, stdin: bytes | None = None,
               buildkit: bool = True) -> subprocess.CompletedProcess:
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(self.root),
               "DOCKER_HOST": f"unix://{self.socket}", "DOCKER_BUILDKIT": "1" if buildkit else "0",
               "DOCKER_CONFIG": str(self.root / "client")}
        done = subprocess.run([DOCKER, *args], input=stdin, capture_output=True, env=env, timeout=300)
        if check and done.returncode != 0:
            raise AssertionError(f"docker {' '.join(args)} failed ({done.returncode}): "
                                 f"{done.stderr.decode(errors='replace')[-2000:]}")
        return done

    def import_base(self) -> None:
        self.docker("import", "--change", "CMD [\"sh\"]", "-", BASE_REF, stdin=base_rootfs_tar())

    def build(self, folder: Path, tag: str) -> subprocess.CompletedProcess:
        """``docker build`` with BuildKit (the daemon's own; docker.io 20.10 ships no buildx)."""
        return self.docker("build", "--network", "none", "--progress", "plain", "-t", tag, str(folder), check=False)

    def save(self, tag: str) -> tarfile.TarFile:
        return tarfile.open(fileobj=io.BytesIO(self.docker("save", tag).stdout))

    def history(self, tag: str) -> list[dict]:
        """The image's history, first entry first, as its config records it."""
        config_id = self.docker("image", "inspect", "--format", "{{.Id}}", tag).stdout.decode().strip()
        saved = self.save(tag)
        config = json.load(saved.extractfile(config_id.split(":", 1)[1] + ".json"))
        return config.get("history", [])

    def export(self, container: str) -> tarfile.TarFile:
        return tarfile.open(fileobj=io.BytesIO(self.docker("export", container).stdout))


def _mounts_under(root: Path) -> list[str]:
    prefix = str(root.resolve())
    with open("/proc/self/mounts") as mounts:
        return [line.split()[1] for line in mounts if line.split()[1].startswith(prefix)]


def base_rootfs_tar() -> bytes:
    """The catalog's busybox:1.36 tree as a tar, with the real static busybox in it."""
    from app import catalog
    from app.engine import Dir, File, Symlink

    layer = catalog.base_image(BASE_REF).layer()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, node in layer.items():
            if path == "/":
                continue
            info = tarfile.TarInfo(path.lstrip("/"))
            if isinstance(node, Dir):
                info.type, info.mode = tarfile.DIRTYPE, node.mode
                tar.addfile(info)
            elif isinstance(node, Symlink):
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, node.target, 0o777
                tar.addfile(info)
            elif isinstance(node, File):
                data = Path(BUSYBOX).read_bytes() if path == "/bin/busybox" else (
                    node.inode.data if node.inode.data is not None else b"\0" * node.inode.size)
                info.size, info.mode = len(data), node.inode.mode
                tar.addfile(info, io.BytesIO(data))
    return out.getvalue()
