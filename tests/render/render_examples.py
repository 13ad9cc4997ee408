"""Hand-built scenes: one per picture the course draws.

They serve three readers: the golden tests (tests/render), the demo that
writes PNGs to look at (tools/render_demo.py), and anyone wiring the web or
CLI who wants a known-good ``Scene``. Test fixtures, so they live in tests/,
not in app/. Layers are built directly from engine
types, and each trace is written the way ``UnionFS`` reports that operation
(probes top-down, copy-ups of the file and its parent directories, whiteouts,
``docker diff`` changes), so the pictures do not depend on the engine being
finished. File sizes follow Debian bookworm where the course quotes them
(/etc/motd 286 B, /etc/issue 27 B).
"""

from __future__ import annotations

from typing import Callable

from app.engine import (
    Change, Container, CopyUp, Dir, File, HistoryEntry, Image, Inode, Layer, Probe, Symlink,
    Trace, Whiteout,
)

from app.render import Scene

MOTD = (b"\nThe programs included with the Debian GNU/Linux system are free software;\n"
        b"the exact distribution terms for each program are described in the\n"
        b"individual files in /usr/share/doc/*/copyright.\n\n"
        b"Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n"
        b"permitted by applicable law.\n")
ISSUE = b"Debian GNU/Linux 12 \\n \\l\n\n"
# a few packages of debian:bookworm's base set, for a rootfs with some bulk
BASE_PACKAGES = (
    "apt base-files base-passwd bash bsdutils coreutils dash debconf debian-archive-keyring "
    "debianutils diffutils dpkg e2fsprogs findutils gcc-12-base gpgv grep gzip hostname "
    "init-system-helpers libacl1 libapt-pkg6.0 libattr1 libaudit1 libblkid1 libbz2-1.0 libc-bin "
    "libc6 libcap-ng0 libcap2 libcom-err2 libcrypt1 libdb5.3 libdebconfclient0 libext2fs2 libffi8 "
    "libgcc-s1 libgcrypt20 libgmp10 libgnutls30 libgpg-error0 libhogweed6 libidn2-0 liblz4-1 "
    "liblzma5 libmd0 libmount1 libnettle8 libp11-kit0 libpam-modules libpam-runtime libpam0g "
    "libpcre2-8-0 libseccomp2 libselinux1 libsemanage2 libsepol2 libsmartcols1 libss2 libssl3 "
    "libstdc++6 libsystemd0 libtasn1-6 libtinfo6 libudev1 libunistring2 libuuid1 libxxhash0 "
    "libzstd1 login logsave mawk mount ncurses-base ncurses-bin passwd perl-base sed sysvinit-utils "
    "tar tzdata usr-is-merged util-linux util-linux-extra zlib1g"
).split()


def _file(data: bytes | None = None, size: int = 0, mode: int = 0o644) -> File:
    return File(Inode(data, size, mode)) if data is None else File(Inode(data, mode=mode))


def _dirs(layer: Layer, path: str) -> None:
    parts = path.strip("/").split("/")[:-1]
    for i in range(len(parts)):
        d = "/" + "/".join(parts[: i + 1])
        if d not in layer:
            layer.put(d, Dir())


def _layer(files: dict[str, File | Symlink | Dir | Whiteout], frozen: bool = True) -> Layer:
    layer = Layer()
    layer.put("/", Dir())
    for path, node in files.items():
        _dirs(layer, path)
        layer.put(path, node)
    return layer.freeze() if frozen else layer


def debian_rootfs() -> Layer:
    files: dict = {
        "/bin": Symlink("usr/bin"), "/lib": Symlink("usr/lib"), "/sbin": Symlink("usr/sbin"),
        "/etc/motd": _file(MOTD), "/etc/issue": _file(ISSUE),
        "/etc/hostname": _file(b"buildkitsandbox\n"),
        "/etc/os-release": Symlink("../usr/lib/os-release"),
        "/usr/lib/os-release": _file(b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'),
        "/etc/passwd": _file(size=922), "/etc/group": _file(size=446),
        "/usr/bin/bash": _file(size=1_265_648, mode=0o755),
        "/usr/bin/ls": _file(size=151_344, mode=0o755),
        "/usr/bin/cat": _file(size=44_016, mode=0o755),
        "/usr/lib/x86_64-linux-gnu/libc.so.6": _file(size=1_922_136, mode=0o755),
        "/var/lib/dpkg/status": _file(size=79_815),
        "/tmp": Dir(mode=0o1777), "/home": Dir(), "/root": Dir(mode=0o700),
        "/var/cache/apt": Dir(),
    }
    for i, pkg in enumerate(BASE_PACKAGES):
        files[f"/usr/share/doc/{pkg}/copyright"] = _file(size=1_000 + 97 * i)
    return _layer(files)


def nginx_layer() -> Layer:
    return _layer({
        "/usr/sbin/nginx": _file(size=1_350_104, mode=0o755),
        "/etc/nginx/nginx.conf": _file(size=1_447),
        "/etc/nginx/mime.types": _file(size=5_349),
        "/usr/share/nginx/html/index.html": _file(size=615),
        "/var/lib/dpkg/status": _file(size=98_240),
    })


def debian_history() -> tuple[HistoryEntry, ...]:
    return (
        HistoryEntry("/bin/sh -c #(nop) ADD file:6a6a9b3b4b5bb3a0e8b3 in / "),
        HistoryEntry('/bin/sh -c #(nop)  CMD ["bash"]', empty_layer=True),
    )


def debian_image(rootfs: Layer | None = None) -> Image:
    return Image("debian:bookworm", (rootfs or debian_rootfs(),), debian_history(),
                 base="debian:bookworm", base_layers=1,
                 os_release="Debian GNU/Linux 12 (bookworm)")


def web_image(rootfs: Layer | None = None) -> Image:
    """debian + nginx: rootfs #0, CMD bash #1, RUN #2, CMD #3 (layers 0 and 1)."""
    base = debian_image(rootfs)
    return Image(
        "web", (base.layers[0], nginx_layer()),
        debian_history() + (
            HistoryEntry("RUN /bin/sh -c apt-get update && apt-get install -y nginx # buildkit"),
            HistoryEntry('CMD ["nginx", "-g", "daemon off;"]', empty_layer=True),
        ),
        base="debian:bookworm", base_layers=1, os_release="Debian GNU/Linux 12 (bookworm)")


def _upper(files: dict) -> Layer:
    return _layer(files, frozen=False)


def _container(image: Image, files: dict | None = None, name: str = "web-1") -> Container:
    return Container(name, image, _upper(files or {}) if files else Layer())


def _misses(path: str, top: int, stop: int = -1) -> list[Probe]:
    return [Probe(i, path, "miss") for i in range(top, stop, -1)]


# -- one scene per picture ---------------------------------------------------------
def add_file() -> Scene:
    img = web_image()
    c = _container(img, {"/tmp": Dir(mode=0o1777), "/tmp/notes.txt": _file(b"hi\n")})
    t = Trace("write", "/tmp/notes.txt", probes=_misses("/tmp/notes.txt", 2),
              copied_up=[CopyUp("/tmp", 0, 0, "dir")],
              changes=[Change("C", "/tmp"), Change("A", "/tmp/notes.txt")], bytes_written=3)
    return Scene([img], [c], [t], target="web-1", command="echo hi > /tmp/notes.txt")


def read_found() -> Scene:
    img = web_image()
    c = _container(img)
    path = "/etc/nginx/nginx.conf"
    t = Trace("read", path, probes=[Probe(2, path, "miss"), Probe(1, path, "found")],
              found_in=1, bytes_read=1_447)
    return Scene([img], [c], [t], target="web-1", command=f"cat {path}")


def modify_copy_up() -> Scene:
    img = web_image()
    c = _container(img, {"/etc": Dir(), "/etc/motd": _file(MOTD + b"hi\n")})
    t = Trace("write", "/etc/motd", probes=_misses("/etc/motd", 2, 0) + [Probe(0, "/etc/motd", "found")],
              found_in=0,
              copied_up=[CopyUp("/etc", 0, 0, "dir"), CopyUp("/etc/motd", 0, len(MOTD))],
              changes=[Change("C", "/etc"), Change("C", "/etc/motd")], bytes_written=3)
    return Scene([img], [c], [t], target="web-1", command="echo hi >> /etc/motd")


def delete_whiteout() -> Scene:
    img = web_image()
    c = _container(img, {"/etc": Dir(), "/etc/issue": Whiteout()})
    t = Trace("unlink", "/etc/issue", probes=_misses("/etc/issue", 2, 0) + [Probe(0, "/etc/issue", "found")],
              found_in=0, copied_up=[CopyUp("/etc", 0, 0, "dir")], whiteouts=["/etc/issue"],
              changes=[Change("C", "/etc"), Change("D", "/etc/issue")])
    return Scene([img], [c], [t], target="web-1", command="rm /etc/issue")


def read_after_whiteout() -> Scene:
    img = web_image()
    c = _container(img, {"/etc": Dir(), "/etc/issue": Whiteout()})
    t = Trace("read", "/etc/issue",
              probes=[Probe(2, "/etc/issue", "whiteout"), Probe(1, "/etc/issue", "hidden"),
                      Probe(0, "/etc/issue", "hidden")],
              error="ENOENT")
    return Scene([img], [c], [t], target="web-1", command="cat /etc/issue")


def opaque_dir() -> Scene:
    img = web_image()
    path = "/usr/share/nginx/html"
    c = _container(img, {"/usr": Dir(), "/usr/share": Dir(), "/usr/share/nginx": Dir(),
                         path: Dir(opaque=True)})
    t = Trace("mkdir", path, probes=[Probe(2, path, "whiteout"), Probe(1, path, "hidden"),
                                     Probe(0, path, "hidden")],
              opaque_dirs=[path], changes=[Change("C", path)])
    return Scene([img], [c], [t], target="web-1", command=f"mkdir {path}",
                 notes=[f"after rm -rf {path}: a directory made over a whiteout is opaque, "
                        "the old index.html stays hidden"])


def build_run() -> Scene:
    """RUN apt-get install -y curl, the step's new layer on top of debian."""
    base = debian_image()
    rootfs = base.layers[0]
    status = _file(size=79_815 + 2_305)
    new = _layer({
        "/usr/bin/curl": _file(size=285_120, mode=0o755),
        "/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0": _file(size=700_024),
        "/usr/share/doc/curl/copyright": _file(size=2_364),
        "/var/lib/dpkg/status": status,
        "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease": _file(size=151_440),
    })
    img = Image("app", (rootfs, new), debian_history() + (
        HistoryEntry("RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit"),),
        base="debian:bookworm", base_layers=1, os_release="Debian GNU/Linux 12 (bookworm)")
    traces = [
        Trace("write", "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease",
              changes=[Change("A", "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease")]),
        Trace("write", "/usr/bin/curl", changes=[Change("A", "/usr/bin/curl")]),
        Trace("write", "/var/lib/dpkg/status",
              copied_up=[CopyUp("/var/lib/dpkg/status", 0, 79_815)],
              changes=[Change("C", "/var/lib/dpkg/status")]),
    ]
    return Scene([img], [], traces, target="app", new_layer=True,
                 command="RUN apt-get update && apt-get install -y curl",
                 notes=["package files from Debian's data: curl 7.88.1-10+deb12u8"])


def metadata_step() -> Scene:
    base = debian_image()
    img = Image("app", base.layers, debian_history() + (
        HistoryEntry("ENV APP_HOME=/srv/app", empty_layer=True),),
        base="debian:bookworm", base_layers=1, os_release="Debian GNU/Linux 12 (bookworm)")
    return Scene([img], target="app", command="ENV APP_HOME=/srv/app")


def scratch_image() -> Scene:
    hello = _layer({"/hello": _file(size=13_256, mode=0o755)})
    img = Image("hello-world", (hello,), (
        HistoryEntry("COPY hello / # buildkit"),
        HistoryEntry('CMD ["/hello"]', empty_layer=True)), base="scratch", base_layers=0)
    return Scene([img])


def three_bases() -> Scene:
    debian = debian_image()
    ubuntu_fs = _layer({
        "/usr/lib/os-release": _file(b'PRETTY_NAME="Ubuntu 24.04.1 LTS"\n'),
        "/usr/bin/bash": _file(size=1_446_024, mode=0o755),
        "/etc/issue": _file(b"Ubuntu 24.04.1 LTS \\n \\l\n\n"),
        "/var/lib/dpkg/status": _file(size=70_418),
        "/usr/lib/x86_64-linux-gnu/libc.so.6": _file(size=2_125_328),
        "/home/ubuntu": Dir(),
    })
    ubuntu = Image("ubuntu:24.04", (ubuntu_fs,), (
        HistoryEntry("/bin/sh -c #(nop) ADD file:bcebbf0fddcba5b864d5d267b68dd23bcfb01275e6ec7bcab69bf8b56af14804 in / "),
        HistoryEntry('/bin/sh -c #(nop)  CMD ["/bin/bash"]', empty_layer=True)),
        base="ubuntu:24.04", base_layers=1, os_release="Ubuntu 24.04.1 LTS")
    centos_fs = _layer({
        "/etc/os-release": _file(b'PRETTY_NAME="CentOS Linux 7 (Core)"\n'),
        "/usr/bin/bash": _file(size=964_536, mode=0o755),
        "/usr/bin/yum": _file(size=801, mode=0o755),
        "/var/lib/rpm/Packages": _file(size=12_906_496),
        "/usr/lib64/libc-2.17.so": _file(size=2_156_592),
    })
    centos = Image("centos:7", (centos_fs,), (
        HistoryEntry("/bin/sh -c #(nop) ADD file:b3ebbe8bd304723d43b7b44a6d990cd657b63d93d6a2a9293983a30bfc1dfa53 in / "),
        HistoryEntry('/bin/sh -c #(nop)  CMD ["/bin/bash"]', empty_layer=True)),
        base="centos:7", base_layers=1, os_release="CentOS Linux 7 (Core)", approximate=True)
    return Scene([debian, ubuntu, centos])


def shared_layer() -> Scene:
    rootfs = debian_rootfs()
    web = web_image(rootfs)
    python = _layer({
        "/usr/bin/python3.11": _file(size=6_831_736, mode=0o755),
        "/usr/lib/python3.11/os.py": _file(size=39_504),
        "/var/lib/dpkg/status": _file(size=101_377),
    })
    api = Image("api", (rootfs, python), debian_history() + (
        HistoryEntry("RUN /bin/sh -c apt-get update && apt-get install -y python3 # buildkit"),
        HistoryEntry('CMD ["python3", "-m", "http.server"]', empty_layer=True)),
        base="debian:bookworm", base_layers=1, os_release="Debian GNU/Linux 12 (bookworm)")
    return Scene([web, api])


def two_containers() -> Scene:
    img = debian_image()
    one = _container(img, {"/home": Dir(), "/home/guest": Dir(),
                           "/home/guest/notes.txt": _file(b"my homework\n")}, name="cafe-1")
    two = _container(img, {"/etc": Dir(), "/etc/motd": Whiteout()}, name="cafe-2")
    t = Trace("unlink", "/etc/motd", probes=[Probe(1, "/etc/motd", "miss"), Probe(0, "/etc/motd", "found")],
              found_in=0, copied_up=[CopyUp("/etc", 0, 0, "dir")], whiteouts=["/etc/motd"],
              changes=[Change("C", "/etc"), Change("D", "/etc/motd")])
    return Scene([img], [one, two], [t], target="cafe-2", command="rm /etc/motd",
                 notes=["cafe-1 still sees /etc/motd: each container has its own writable layer"])


EXAMPLES: dict[str, Callable[[], Scene]] = {
    "add": add_file,
    "read_found": read_found,
    "modify_copy_up": modify_copy_up,
    "delete_whiteout": delete_whiteout,
    "read_after_whiteout": read_after_whiteout,
    "opaque_dir": opaque_dir,
    "build_run": build_run,
    "metadata_step": metadata_step,
    "scratch_image": scratch_image,
    "three_bases": three_bases,
    "shared_layer": shared_layer,
    "two_containers": two_containers,
}
