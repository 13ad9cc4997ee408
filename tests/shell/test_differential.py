"""The simulation against the real thing: the same RUN line run by layerlab
and by ``sh -c`` (a static busybox, chrooted) on a real overlayfs mount of the
same base layer must leave the same layer (upper directory), the same merged
tree and the same exit status.

The lines use only the coreutils/busybox subset both sides know, with the
options in which busybox and GNU coreutils agree (Debian's static
busybox has no ``--preserve-root``, no ``install`` and no ``find -delete``, so those
are left to the tables of test_commands.py).
``LAYERLAB_EXAMPLES=5000`` runs more generated lines (default: a fixed,
derandomized 40).
"""

from __future__ import annotations

import os

import pytest

from app.engine import Dir, File, Inode, Layer, Symlink, UnionFS
from conftest import run

kernel = pytest.importorskip("app.verify.kernel")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

pytestmark = pytest.mark.kernel

# Inside the chroot PATH finds the busybox applets; /usr/sbin is there so the
# host's chroot(8) is found when the harness starts it.
KERNEL_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin:" + kernel.TOOLS_DIR + "/bin"}


def _skip_reason() -> str | None:
    ok, why = kernel.overlay_available()
    if not ok:
        return why
    if kernel.busybox_path() is None:
        return "no static busybox (apt-get install busybox-static)"
    return None


@pytest.fixture(scope="module", autouse=True)
def needs_overlay():
    reason = _skip_reason()
    if reason:
        pytest.skip(f"differential tests need a real overlay mount: {reason}")


def base_layer() -> Layer:
    """No executables in it: the kernel side must find busybox's applets, not these."""
    layer = Layer()
    for d in ("/", "/etc", "/opt", "/opt/lib", "/opt/lib/sub", "/srv", "/srv/www", "/tmp", "/root"):
        layer.put(d, Dir(0o755))
    layer.put("/etc/motd", File(Inode(b"hello world\nbye\n")))
    layer.put("/etc/app.conf", File(Inode(b"port=80\nhost=a\n")))
    layer.put("/etc/passwd", File(Inode(b"root:x:0:0:root:/root:/bin/sh\n"
                                        b"www-data:x:33:33::/var/www:/bin/false\n")))
    layer.put("/etc/group", File(Inode(b"root:x:0:\nwww-data:x:33:\n")))
    layer.put("/opt/lib/a.so", File(Inode(b"AAAA", mode=0o755)))
    layer.put("/opt/lib/sub/b.txt", File(Inode(b"bee\n")))
    layer.put("/opt/lib/current", Symlink("a.so"))
    layer.put("/srv/www/index.html", File(Inode(b"<h1>hi</h1>\n")))
    layer.put("/opt/app.tar", File(Inode(_archive())))
    return layer.freeze()


def _archive() -> bytes:
    """A real tar (as COPY would bring one): a directory, files with owners and modes, a symlink."""
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, kind, mode, uid, data, link in (
                ("app", tarfile.DIRTYPE, 0o750, 0, None, ""),
                ("app/run.sh", tarfile.REGTYPE, 0o755, 33, b"#!/bin/sh\n", ""),
                ("app/conf", tarfile.REGTYPE, 0o600, 0, b"k=v\n", ""),
                ("app/current", tarfile.SYMTYPE, 0o777, 0, None, "run.sh")):
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.uid, info.gid, info.linkname = kind, mode, uid, uid, link
            info.size = len(data or b"")
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def _without_tools(records: dict) -> dict:
    # (read_merged in app/verify/records.py turns "/.layerlab" into "/layerlab")
    return {p: r for p, r in records.items() if not p.startswith(("/layerlab", "/.layerlab"))}


# Where busybox and GNU disagree on an exit status, layerlab follows GNU (Debian's
# tools): (tool, busybox status, GNU status).
GNU_STATUS = {
    ("sed", 1, 2),  # sed -i on a missing file
    ("mv", 0, 1),   # mv a a: GNU says "are the same file"
    ("cp", 1, 0),   # cp -r of a symlink onto an existing one: GNU replaces it
    ("tar", 1, 2),  # GNU tar's fatal errors exit with 2
}


# Lines where GNU refuses and busybox goes ahead; layerlab follows GNU, so such
# lines prove nothing against busybox and are skipped when generated:
GNU_ONLY = (
    "are the same file",  # cp onto a symlink to its own source: busybox truncates the file
)


# ... and where busybox refuses and GNU goes ahead:
BUSYBOX_ONLY = (
    "cp: can't create",  # cp -r of a symlink onto an existing file: GNU replaces the file
)


def run_both(script: str):
    line = "umask 022; " + script
    real = kernel.run_shell_in_kernel([base_layer()], line, env=KERNEL_ENV)
    fs = UnionFS([base_layer()])
    sim = run(line, fs, shell=["ash", "-c"])  # the base has no /bin: busybox comes from the harness
    return real, fs, sim


def compare(script: str, generated: bool = False) -> None:
    real, fs, sim = run_both(script)
    if generated and (any(m in sim.stderr for m in GNU_ONLY)
                      or any(m in real.stderr for m in BUSYBOX_ONLY)):
        hypothesis.reject()
    assert kernel.layer_records(fs.upper) == kernel.layer_records(real.upper), (
        f"layer differs for {script!r}\nkernel stderr: {real.stderr}\nlayerlab stderr: {sim.stderr}")
    assert kernel.merged_records(fs) == _without_tools(real.merged), f"merged view differs for {script!r}"
    tool = (sim.failed_command or "").split(" ")[0]
    assert sim.status == real.status or (tool, real.status, sim.status) in GNU_STATUS, (
        f"status differs for {script!r}: kernel {real.status} ({real.stderr!r}), "
        f"layerlab {sim.status} ({sim.stderr!r})")


REGRESSIONS = [
    "touch /etc/motd /new",
    "rm -rf /opt/lib && mkdir /opt/lib",
    "rm -rf /opt/lib/*",
    "mv /opt/lib /opt/lib2",
    "mv /etc/motd /etc/motd.old && echo new > /etc/motd",
    "cp -a /opt/lib /copy",
    "cp -r /opt/lib/sub /etc && ln -sf /etc/motd /opt/lib/current",
    "chmod -R go-w /opt; chown -R 33:33 /srv",
    "chown www-data:www-data /etc/motd; chmod u+s,g=rx /etc/motd",
    "sed -i 's/80/8080/g' /etc/app.conf",
    "ln /etc/motd /m; echo x >> /m",
    "mkdir -p -m 700 /a/b",
    "truncate -s 3 /etc/motd; rmdir /opt/lib/sub; rm /opt/lib/current",
    "rm /etc/motd; mkdir /etc/motd",
    "rm -r /opt/lib/sub && echo x > /opt/lib/sub",
    ": > /etc/app.conf; cat /etc/motd >> /etc/app.conf",
    "cd /opt/lib && for f in *; do cp -r \"$f\" \"/srv/$f.bak\"; done",
    "if [ -d /opt/lib ]; then rm -rf /opt/lib; fi; mkdir -p /opt/lib/new",
    "rm /nope || touch /failed",
    "mkdir /etc && touch /not-reached",
    "x=$(cat /etc/motd | wc -l); echo $x > /count",
    "cat <<EOF > /etc/app.conf\nport=$((40 * 2))\nEOF",
    "find /opt -type f -exec rm {} +; find /srv -exec chmod 700 {} +",
    "printf '\\177ELF (compiled hello)\\n' > /hello && printf '%s-\\101\\n' x >> /hello",
    "echo -e 'a\\tb\\0101' > /e",
    "find /opt/lib -name '*.so' | xargs rm -f; echo /a /b | xargs touch",
    "cp -r /opt/lib /opt/lib; cp -a /srv /srv/www/copy",
    "tar -xf /opt/app.tar -C /srv && tar -xf /opt/app.tar -C /srv",
    "mkdir /srv/app && touch /srv/app/old && tar -xf /opt/app.tar -C /srv",
]


@pytest.mark.parametrize("script", REGRESSIONS)
def test_same_as_the_kernel(script):
    compare(script)


# -- generated lines ----------------------------------------------------------------------------
LOWER_FILES = ["/etc/motd", "/etc/app.conf", "/opt/lib/a.so", "/opt/lib/sub/b.txt",
               "/srv/www/index.html"]
LOWER_DIRS = ["/opt/lib", "/opt/lib/sub", "/srv/www", "/srv"]
NEW = ["/new", "/opt/new", "/etc/new.d", "/srv/www/x", "/tmp/t", "/opt/lib/sub/n"]
PATHS = LOWER_FILES + LOWER_DIRS + NEW + ["/opt/lib/current"]

path = st.sampled_from(PATHS)
file_path = st.sampled_from(LOWER_FILES + NEW)
word = st.sampled_from(["a", "hello", "80", "x y"])
mode = st.sampled_from(["600", "644", "755", "700", "u+x", "go-w", "a+r", "g+w"])


def _cmd() -> st.SearchStrategy[str]:
    one = [
        st.builds(lambda p: f"touch {p}", file_path),
        st.builds(lambda p: f"mkdir {p}", path),
        st.builds(lambda p: f"mkdir -p {p}/d", path),
        st.builds(lambda f, p: f"rm {f}{p}", st.sampled_from(["", "-f ", "-r ", "-rf "]), path),
        st.builds(lambda p: f"rmdir {p}", path),
        st.builds(lambda w, op, p: f"echo '{w}' {op} {p}", word, st.sampled_from([">", ">>"]), file_path),
        st.builds(lambda p, q: f"cat {p} > {q}", file_path, file_path),
        st.builds(lambda f, p, q: f"cp {f}{p} {q}", st.sampled_from(["", "-r ", "-a ", "-p "]), path, path),
        st.builds(lambda p, q: f"mv {p} {q}", path, path),
        st.builds(lambda f, p, q: f"ln {f}{p} {q}", st.sampled_from(["-s ", "-sf "]), path, path),
        st.builds(lambda p, q: f"ln {p} {q}", file_path, st.sampled_from(NEW)),
        st.builds(lambda f, m, p: f"chmod {f}{m} {p}", st.sampled_from(["", "-R "]), mode, path),
        st.builds(lambda f, p: f"chown {f}33:33 {p}", st.sampled_from(["", "-R "]), path),
        st.builds(lambda n, p: f"truncate -s {n} {p}", st.sampled_from(["0", "2", "100"]), file_path),
        st.builds(lambda p: f"sed -i 's/o/0/g' {p}", file_path),
        st.builds(lambda p: f": > {p}", file_path),
        st.builds(lambda p, t: f"find {p} -type {t} -exec rm {{}} +", path, st.sampled_from(["f", "l"])),
        st.builds(lambda p, m: f"find {p} -exec chmod {m} {{}} +", path, mode),
        # (into a directory: find's visiting order differs, see app/shell/commands/find.py)
        st.builds(lambda p: f"find {p} -name '*.*' -exec cp {{}} /tmp \\;", path),
        st.builds(lambda p, q: f"echo {p} {q} | xargs touch", file_path, file_path),
        st.builds(lambda p: f"find {p} -type f | xargs rm -f", path),
        st.builds(lambda p: f"tar -xf /opt/app.tar -C {p}", st.sampled_from(LOWER_DIRS + ["/", "/opt"])),
    ]
    simple = st.one_of(one)
    guarded = st.builds(lambda t, p, c: f"if [ {t} {p} ]; then {c}; fi",
                        st.sampled_from(["-e", "-f", "-d", "! -e"]), path, simple)
    return st.one_of(simple, simple, guarded)


line = st.builds(lambda cmds, seps: cmds[0] + "".join(s + c for s, c in zip(seps, cmds[1:])),
                 st.lists(_cmd(), min_size=1, max_size=4),
                 st.lists(st.sampled_from(["; ", " && ", " || "]), min_size=3, max_size=3))

EXAMPLES = int(os.environ.get("LAYERLAB_EXAMPLES", "40"))


@settings(max_examples=EXAMPLES, deadline=None, derandomize="LAYERLAB_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(line)
def test_generated_lines_match_the_kernel(script):
    compare(script, generated=True)
