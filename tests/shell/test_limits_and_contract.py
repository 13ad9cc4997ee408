"""Safety limits end a runaway RUN with a clear message; the package tool
gets the documented ``ctx``; traces come in order with the notes the diagram
shows."""

from __future__ import annotations

import pytest

from app.engine import File, Inode, UnionFS
from app.shell import Limits
from conftest import changeset, make_base_layer, run

LIMITS = [
    ("endless loop", "while true; do :; done", Limits(), "max_loop_iterations"),
    ("long for", "for i in $(seq 1 50); do :; done", Limits(max_loop_iterations=20), "max_loop_iterations"),
    ("many commands", "for i in 1 2 3 4 5 6 7 8 9 10; do true; done", Limits(max_steps=5), "max_steps"),
    ("many files", "for i in $(seq 1 30); do touch /f$i; done", Limits(max_files=10), "max_files"),
    ("many bytes", "printf '%0500d' 0 > /big", Limits(max_bytes=100), "max_bytes"),
    ("huge truncate", "truncate -s 100G /big", Limits(), "max_bytes"),
    ("doubling variable", "a=x; while true; do a=$a$a; done", Limits(), "max_string_bytes"),
    ("doubling in $(...)", "a=x; while true; do a=$(echo $a$a); done", Limits(max_string_bytes=2**20),
     "max_string_bytes"),
    ("huge printf field", "printf '%1900000000d' 1 > /f1", Limits(), "max_string_bytes"),
    ("deep path", "p=a; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do p=$p/$p; done; mkdir -p /$p",
     Limits(), "max_path_bytes"),
    ("big file", "printf '%0500d' 0 > /big", Limits(max_file_bytes=100), "max_file_bytes"),
    ("big append", "for i in 1 2 3; do printf '%040d' 0 >> /big; done", Limits(max_file_bytes=100), "max_file_bytes"),
    ("long log", "printf '%0500d' 0", Limits(max_output_bytes=100), "max_output_bytes"),
    ("long pipe", "printf '%0500d' 0 | wc -c", Limits(max_string_bytes=100), "max_string_bytes"),
    ("big heredoc", "cat <<EOF\n" + "x" * 200 + "\nEOF", Limits(max_string_bytes=100), "max_string_bytes"),
    ("costly back-reference", 'echo aaaa! | sed -E "s/^(a+)+\\1$/X/"', Limits(), "back-reference too costly"),
    ("deep recursion", "f() { f; }; f", Limits(), "nested too deeply"),
]


@pytest.mark.parametrize("script,limits,word", [c[1:] for c in LIMITS], ids=[c[0] for c in LIMITS])
def test_limit_ends_the_run(script, limits, word):
    result = run(script, UnionFS([make_base_layer()]), limits=limits)
    assert result.status == 1
    assert result.error.startswith("layerlab stopped this RUN: ")
    assert word in result.error


def test_within_limits_runs_to_the_end():
    result = run("for i in $(seq 1 100); do touch /f$i; done", UnionFS([make_base_layer()]))
    assert result.status == 0 and result.error is None


class TinyApt:
    """A real (if tiny) package tool, as app/catalog provides one: it installs
    one file per package through ``ctx`` and reports what it saw."""

    commands = frozenset({"apt-get", "apt"})

    def __init__(self):
        self.seen = []

    def run(self, argv, ctx):
        self.seen.append((argv, ctx.env.get("DEBIAN_FRONTEND"), ctx.cwd, ctx.limits.max_files))
        if argv[1:2] == ["install"]:
            for pkg in [a for a in argv[2:] if not a.startswith("-")]:
                ctx.record(ctx.fs.write(f"/usr/doc-{pkg}", pkg.encode()))
            ctx.out(f"Setting up {' '.join(argv[2:])}\n")
            return 0
        ctx.err("E: Invalid operation " + " ".join(argv[1:]) + "\n")
        ctx.not_simulated(" ".join(argv), "tiny apt knows only install")
        return 100


def test_package_commands_are_delegated_with_the_context():
    apt = TinyApt()
    fs = UnionFS([make_base_layer()])
    result = run("cd /tmp && DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install -y curl "
                 "&& apt-get frobnicate", fs, packages=apt, limits=Limits(max_files=999))
    # argv[0] is the path the tool was called by (a venv's pip needs it to know which Python it serves)
    assert apt.seen == [(["/usr/bin/apt-get", "install", "-y", "curl"], "noninteractive", "/tmp", 999),
                        (["apt-get", "frobnicate"], None, "/tmp", 999)]
    assert result.status == 100
    assert result.stdout == "Setting up -y curl\n"
    assert "E: Invalid operation frobnicate" in result.error
    assert changeset(fs) == {"/usr": "dir 755", "/usr/doc-curl": "file 644 'curl'"}
    assert [t.op for t in result.traces] == ["write"]
    assert result.not_simulated[0].hint == "tiny apt knows only install"


def test_without_a_package_tool_apt_is_not_simulated():
    result = run("apt-get update && apt-get install -y curl", UnionFS([make_base_layer()]))
    assert result.status == 0
    assert [n.command for n in result.not_simulated] == ["apt-get update", "apt-get install -y curl"]


def test_traces_in_order_with_search_and_copy_up():
    fs = UnionFS([make_base_layer()])
    result = run("cat /etc/motd > /dev/null; echo x >> /etc/motd; rm /etc/app.conf", fs)
    ops = [(t.op, t.path) for t in result.traces]
    assert ops == [("read", "/etc/motd"), ("open_rw", "/etc/motd"), ("append", "/etc/motd"),
                   ("unlink", "/etc/app.conf")]
    read, open_rw, _, unlink = result.traces
    assert read.found_in == 0 and read.copied_up == []
    assert [c.path for c in open_rw.copied_up][-1] == "/etc/motd"
    assert unlink.whiteouts == ["/etc/app.conf"]


def test_mv_of_an_image_directory_notes_the_exdev_fallback():
    fs = UnionFS([make_base_layer()])
    result = run("mv /opt/lib /opt/lib2", fs)
    assert result.status == 0
    rename = result.traces[0]
    assert (rename.op, rename.error) == ("rename", "EXDEV")
    assert "copied the whole tree" in rename.note and "coreutils" in rename.note
    assert result.traces[-1].op == "remove_tree"


def test_download_trace_carries_a_note():
    fs = UnionFS([make_base_layer()])
    result = run("wget -q https://example.com/app.tar.gz -O /app.tgz", fs)
    (trace,) = result.traces
    assert "no network" in trace.note
    node = fs.upper.get("/app.tgz")
    assert isinstance(node, File) and node.inode.data is None and node.size > 1_000_000
    again = run("wget -q https://example.com/app.tar.gz -O /b.tgz", fs)
    assert again.status == 0 and fs.upper.get("/b.tgz").size == node.size  # deterministic


def test_alpine_sh_is_busybox():
    from app.engine import Layer, Dir, Symlink
    layer = Layer()
    for d in ("/", "/bin", "/etc"):
        layer.put(d, Dir())
    layer.put("/bin/busybox", File(Inode(b"\x7fELF", mode=0o755)))
    layer.put("/bin/sh", Symlink("/bin/busybox"))
    layer.put("/etc/passwd", File(Inode(b"root:x:0:0:root:/root:/bin/ash\n")))
    layer.put("/etc/group", File(Inode(b"root:x:0:\n")))
    fs = UnionFS([layer.freeze()])
    result = run("echo -e 'a\\tb'; set -o pipefail; adduser -D app", fs)
    assert result.status == 0, result.stderr
    assert result.stdout == "a\tb\n"
    assert fs.upper.get("/home/app") is not None


def _tar_bytes() -> bytes:
    """A real archive, as a COPY from the build context would bring it."""
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        def add(name, data=None, kind=tarfile.REGTYPE, mode=0o644, uid=0, link=""):
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.uid, info.gid, info.linkname = kind, mode, uid, uid, link
            info.size = len(data or b"")
            tf.addfile(info, io.BytesIO(data or b"") if data is not None else None)
        add("app", kind=tarfile.DIRTYPE, mode=0o755)
        add("app/run.sh", b"#!/bin/sh\necho run\n", mode=0o755, uid=1000)
        add("app/link", kind=tarfile.SYMTYPE, link="run.sh")
        add("../evil", b"x")
    return buf.getvalue()


def test_tar_x_extracts_a_real_archive():
    from app.engine import Layer
    layer = Layer()
    layer.put("/", make_base_layer().get("/"))
    layer.put("/app.tgz", File(Inode(_tar_bytes())))
    fs = UnionFS([make_base_layer(), layer.freeze()])
    result = run("tar -xzf /app.tgz -C /opt && tar -tzf /app.tgz | head -2", fs)
    assert result.status == 2  # the '..' member is refused, like GNU tar
    assert "tar: ../evil: Member name contains '..'" in result.stderr
    assert changeset(fs) == {
        "/opt": "dir 755", "/opt/app": "dir 755",
        "/opt/app/run.sh": "file 755 1000:1000 '#!/bin/sh\\necho run\\n'",
        "/opt/app/link": "symlink -> run.sh"}
    listing = run("tar -tzf /app.tgz", fs)
    assert listing.stdout == "app/\napp/run.sh\napp/link\n../evil\n"
    stripped = UnionFS([make_base_layer(), layer])
    run("tar -xzf /app.tgz --strip-components=1 -C /srv app/run.sh", stripped)
    assert changeset(stripped) == {"/srv": "dir 755",
                                   "/srv/run.sh": "file 755 1000:1000 '#!/bin/sh\\necho run\\n'"}


def test_run_in_scratch_fails_like_docker():
    from app.engine import Layer
    fs = UnionFS([Layer().freeze()])
    result = run("echo hi", fs, strict_path=True)
    assert result.status == 127
    assert result.error == ('process "/bin/sh -c echo hi" did not complete successfully: runc run '
                            'failed: unable to start container process: exec: "/bin/sh": stat '
                            "/bin/sh: no such file or directory")
    assert changeset(fs) == {}


def test_strict_bash_is_looked_up_in_the_tree():
    from app.engine import Layer, Dir, Symlink
    layer = Layer()
    for d in ("/", "/bin"):
        layer.put(d, Dir())
    layer.put("/bin/busybox", File(Inode(b"\x7fELF", mode=0o755)))
    layer.put("/bin/sh", Symlink("/bin/busybox"))
    fs = UnionFS([layer.freeze()])
    result = run("bash -c 'touch /x'", fs, strict_path=True)
    assert (result.status, result.stderr) == (127, "/bin/sh: bash: not found\n")
    assert changeset(fs) == {}
    lenient = run("ls /", UnionFS([Layer().freeze()]))  # docker exec into hello-world, as lessons do
    assert lenient.status == 0


def test_strict_path_needs_the_binary():
    fs = UnionFS([make_base_layer()])
    result = run("echo ok; curl -fsSL https://example.com/x -o /x", fs, strict_path=True)
    assert (result.status, result.stdout) == (127, "ok\n")
    assert result.stderr == "/bin/sh: 1: curl: not found\n"
    relaxed = run("curl -fsSL https://example.com/x -o /x", UnionFS([make_base_layer()]))
    assert relaxed.status == 0
    found = run("python3 -c 'print(1)'", UnionFS([make_base_layer()]), strict_path=True)
    assert found.status == 0 and found.not_simulated[0].command == "python3 -c 'print(1)'"


class BrokenTool:
    commands = frozenset({"apk"})

    def run(self, argv, ctx):
        raise KeyError("no such index")


def test_a_failing_package_tool_is_reported_not_raised():
    result = run("apk add curl && touch /after", UnionFS([make_base_layer()]), packages=BrokenTool(),
                 strict=False)
    assert result.status == 0
    assert "package tool could not simulate this (KeyError" in result.not_simulated[0].hint
    assert result.commands == ["apk add curl", "touch /after"]


def test_strict_mode_raises_what_a_command_raised():
    with pytest.raises(KeyError, match="no such index"):
        run("apk add curl", UnionFS([make_base_layer()]), packages=BrokenTool(), strict=True)


UNCERTAIN = [
    # after a download whose contents are unknown, missing files are an artefact: the RUN goes on
    ("set -e; wget -q https://x.example/a.tgz && tar -xzf a.tgz && cd a-1.0 && ./configure && "
     "touch /built", 0, ["/built"], 2),
    ("set -eux; curl -fsSLO https://x.example/SUMS.asc; gpg --decrypt --output SUMS SUMS.asc; "
     "grep ' a.tgz$' SUMS | sha256sum -c -; rm SUMS.asc SUMS; mkdir /done", 0, ["/done"], 2),
    # conditions and fallbacks keep their real statuses
    ("make; if [ -f /missing ]; then touch /then; else touch /else; fi; "
     "rm /missing || touch /fallback", 0, ["/else", "/fallback"], 0),
    # an explicit exit after an unknown does not fail the build either
    ("arch=$(dpkg --print-architecture); case $arch in amd64) touch /ok;; *) exit 1;; esac", 0, [], 1),
    # without anything unknown, a failure is a failure
    ("set -e; rm /missing; touch /never", 1, [], 0),
]


@pytest.mark.parametrize("script,status,made,tolerated", UNCERTAIN)
def test_failures_after_something_not_simulated_do_not_fail_the_build(script, status, made, tolerated):
    """``tolerated``: how many failures were let go because something before them was unknown."""
    fs = UnionFS([make_base_layer()])
    result = run(script, fs)
    assert result.status == status, result.stderr
    for path in made:
        assert fs.upper.get(path) is not None, path
    assert len([n for n in result.not_simulated if "only after" in n.hint]) == tolerated


def test_after_unknowns_carries_uncertainty_from_earlier_steps():
    script = 'set -eux; [ -s /usr/local/bin/idle3 ]; ln -svT idle3 /usr/local/bin/idle'
    strict = run(script, UnionFS([make_base_layer()]))
    assert strict.status == 1
    fs = UnionFS([make_base_layer()])
    lenient = run(script, fs, after_unknowns=True)
    assert lenient.status == 0 and lenient.error is None
    assert "earlier build steps" in lenient.not_simulated[0].hint
    assert changeset(fs) == {"/usr": "dir 755", "/usr/local": "dir 755", "/usr/local/bin": "dir 755",
                             "/usr/local/bin/idle": "symlink -> idle3"}
    gone = run('if [ ! -f tags ]; then echo "No tags"; exit 1; fi', UnionFS([make_base_layer()]),
               after_unknowns=True)
    assert gone.status == 0 and gone.stdout == "No tags\n"


def test_windows_shells_are_not_simulated():
    fs = UnionFS([make_base_layer()])
    result = run("Write-Host 'hi'; Remove-Item C:\\x", fs,
                 shell=["powershell", "-Command", "$ErrorActionPreference = 'Stop';"])
    assert result.status == 0 and changeset(fs) == {}
    assert "Windows shell" in result.not_simulated[0].hint


def test_syntax_errors_fail_even_after_unknowns():
    result = run("make; if then", UnionFS([make_base_layer()]), after_unknowns=True)
    assert result.status == 2 and "Syntax error" in result.error


def test_a_test_before_and_still_chooses_the_path_after_unknowns():
    # nginx's Dockerfile: `test -z "$found" && echo error && exit 1` after gpg (not simulated)
    script = 'gpg --recv-keys K; found=yes; test -z "$found" && echo error && exit 1; echo after'
    result = run(script, UnionFS([make_base_layer()]))
    assert result.status == 0 and result.stdout == "after\n"


def test_a_shell_option_cluster_may_end_in_o():
    # nginx's modules Dockerfile: SHELL ["/bin/bash", "-exo", "pipefail", "-c"]
    result = run("false | true; echo not reached", UnionFS([make_base_layer()]),
                 shell=["/bin/bash", "-exo", "pipefail", "-c"])
    assert result.status == 1 and result.stdout == ""
