"""apt-get, apt and dpkg on debian:bookworm: the files they touch and what they say.

These tests call the package tool directly with a minimal context (see
conftest.py), one command at a time, as the shell would for
``apt-get update && apt-get install ...``: they pin down the tool, not the shell.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.catalog.debian_packages import Installed, catalog, resolve
from app.engine.layer import File, Whiteout

from catalog_helpers import Step

REAL_SIZES = Path(__file__).resolve().parents[2] / "app/catalog/data/real_sizes.json"


def real_sizes() -> dict:
    """Numbers tools/measure_real_sizes.py measured on a real debootstrap + overlayfs."""
    return json.loads(REAL_SIZES.read_text())


def updated(ref: str = "debian:bookworm") -> Step:
    step = Step(ref)
    rc, ctx = step.run("apt-get", "update")
    assert rc == 0, ctx.errors
    return step


def test_python3_layer_is_within_10_percent_of_the_real_layer():
    """The RUN line goes through the real shell (app.shell.run), as a build runs it."""
    from app.catalog import base_image, package_tool
    from app.engine.layer import Layer
    from app.engine.union import UnionFS
    from app.shell import run

    REAL = real_sizes()
    fs = UnionFS([base_image("debian:bookworm").layer()], Layer())
    result = run(REAL["python3_layer"]["run"], fs, env={"PATH": "/usr/local/sbin:/usr/local/bin:"
                 "/usr/sbin:/usr/bin:/sbin:/bin"}, packages=package_tool("debian"))
    assert result.status == 0, result.stderr
    simulated = fs.upper.size
    real = REAL["python3_layer"]["bytes"]
    assert abs(simulated - real) <= 0.10 * real, (
        f"simulated layer of `{REAL['python3_layer']['run']}`: {simulated} bytes; "
        f"real (chroot on overlayfs, measured {REAL['measured']}): {real} bytes")


def test_python3_layer_by_direct_tool_calls_matches_too():
    step = Step("debian:bookworm")
    assert step.run("apt-get", "update")[0] == 0
    rc, ctx = step.run("apt-get", "install", "-y", "--no-install-recommends", "python3")
    assert rc == 0, ctx.errors
    real = real_sizes()["python3_layer"]["bytes"]
    assert abs(step.fs.upper.size - real) <= 0.10 * real, (step.fs.upper.size, real)


def test_update_fills_the_lists_with_real_names_and_sizes():
    step = updated()
    names = step.fs.listdir("/var/lib/apt/lists")[0]
    assert any(n.startswith("deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages") for n in names)
    assert any(n.endswith("bookworm-security_InRelease") for n in names)
    lists = sum(n.size for p, n in step.fs.upper.items() if p.startswith("/var/lib/apt/lists/")
                and isinstance(n, File))
    assert 10_000_000 < lists < 100_000_000  # tens of MB, as a real update leaves them


def test_install_without_update_fails_as_apt_does():
    step = Step("debian:bookworm")
    rc, ctx = step.run("apt-get", "install", "-y", "emacs")
    assert rc == 100
    assert "E: Unable to locate package emacs" in ctx.errors
    assert not ctx.skipped  # real apt fails the same way: simulated, not skipped (the build adds the hint)
    assert not [p for p in step.fs.upper if p.startswith("/usr/")]


def test_unknown_package_fails_as_apt_does():
    step = updated()
    rc, ctx = step.run("apt-get", "install", "-y", "no-such-package-xyz")
    assert rc == 100
    assert ctx.errors == "E: Unable to locate package no-such-package-xyz\n"


def test_without_yes_apt_asks_and_aborts_on_empty_stdin():
    step = updated()
    rc, ctx = step.run("apt-get", "install", "python3")
    assert rc == 1
    assert ctx.output.endswith("Do you want to continue? [Y/n] Abort.\n")
    assert step.fs.exists("/usr/bin/python3") is False


def test_dpkg_status_is_copied_up_and_extended():
    step = updated()
    lower_status = step.lowers[0].get("/var/lib/dpkg/status").inode.data
    step.run("apt-get", "install", "-y", "--no-install-recommends", "curl")
    status_traces = [t for t in step.traces if t.path == "/var/lib/dpkg/status"]
    assert status_traces and status_traces[0].copied_up[0].from_layer == 0
    node = step.fs.upper.get("/var/lib/dpkg/status")
    assert isinstance(node, File)
    text = node.inode.data.decode()
    assert text.startswith(lower_status.decode().rstrip("\n"))
    assert "Package: curl\nStatus: install ok installed\n" in text
    assert step.lowers[0].get("/var/lib/dpkg/status").inode.data == lower_status  # the image never changes
    assert isinstance(step.fs.upper.get("/var/lib/dpkg/info/curl.list"), File)
    assert isinstance(step.fs.upper.get("/var/lib/dpkg/info/curl.md5sums"), File)
    assert step.fs.exists("/usr/bin/curl")


def test_docker_clean_hook_leaves_no_debs_behind():
    step = updated()
    step.run("apt-get", "install", "-y", "--no-install-recommends", "wget")
    assert not [n for n in step.fs.listdir("/var/cache/apt/archives")[0] if n.endswith(".deb")]
    # Added and deleted in the same layer: gone without a trace, no whiteout.
    assert not any(p.endswith(".deb") for p in step.fs.upper)


def test_clean_empties_the_caches_when_docker_clean_is_gone():
    step = updated()
    step.fs.unlink("/etc/apt/apt.conf.d/docker-clean")
    step.run("apt-get", "install", "-y", "--no-install-recommends", "wget")
    debs = [n for n in step.fs.listdir("/var/cache/apt/archives")[0] if n.endswith(".deb")]
    assert debs and step.fs.exists("/var/cache/apt/pkgcache.bin")
    rc, _ = step.run("apt-get", "clean")
    assert rc == 0
    assert not [n for n in step.fs.listdir("/var/cache/apt/archives")[0] if n.endswith(".deb")]
    assert not [n for n in step.fs.listdir("/var/cache/apt")[0] if n.endswith(".bin")]


def test_no_install_recommends_installs_less():
    a, b = updated(), updated()
    a.run("apt-get", "install", "-y", "git")
    b.run("apt-get", "install", "-y", "--no-install-recommends", "git")
    assert b.fs.upper.size < a.fs.upper.size


def test_purge_removes_the_files_and_the_status_entry():
    step = updated()
    step.run("apt-get", "install", "-y", "--no-install-recommends", "curl")
    rc, ctx = step.run("apt-get", "purge", "-y", "curl")
    assert rc == 0, ctx.errors
    assert not step.fs.exists("/usr/bin/curl")
    assert "Package: curl\n" not in step.fs.read("/var/lib/dpkg/status")[0].decode()


def test_removing_a_file_of_a_lower_layer_makes_a_whiteout():
    step = updated()
    step.run("apt-get", "install", "-y", "--no-install-recommends", "curl")
    layer2 = step.commit()
    nxt = Step("debian:bookworm", lowers=[step.lowers[0], layer2])
    rc, ctx = nxt.run("apt-get", "purge", "-y", "curl")
    assert rc == 0, ctx.errors
    assert isinstance(nxt.fs.upper.get("/usr/bin/curl"), Whiteout)
    assert not nxt.fs.exists("/usr/bin/curl")


def test_autoremove_removes_what_was_pulled_in():
    step = updated()
    step.run("apt-get", "install", "-y", "--no-install-recommends", "curl")
    step.run("apt-get", "purge", "-y", "curl")
    assert step.fs.exists("/usr/lib/x86_64-linux-gnu/libcurl.so.4")
    rc, ctx = step.run("apt-get", "autoremove", "-y")
    assert rc == 0, ctx.errors
    assert not step.fs.exists("/usr/lib/x86_64-linux-gnu/libcurl.so.4")


def test_dpkg_i_installs_a_deb_from_the_cache():
    step = updated()
    step.fs.unlink("/etc/apt/apt.conf.d/docker-clean")
    step.run("apt-get", "install", "-y", "--no-install-recommends", "tree")
    step.run("dpkg", "-r", "tree")
    deb = [n for n in step.fs.listdir("/var/cache/apt/archives")[0] if n.startswith("tree_")][0]
    rc, ctx = step.run("dpkg", "-i", f"/var/cache/apt/archives/{deb}")
    assert rc == 0, ctx.errors
    assert step.fs.exists("/usr/bin/tree")


def test_logs_are_written():
    step = updated()
    step.run("apt-get", "install", "-y", "--no-install-recommends", "jq")
    for path in ("/var/log/apt/history.log", "/var/log/apt/term.log", "/var/log/dpkg.log",
                 "/var/lib/apt/extended_states"):
        assert step.fs.exists(path), path
    assert "Auto-Installed: 1" in step.fs.read("/var/lib/apt/extended_states")[0].decode()


REQUESTED = catalog().requested


@pytest.mark.parametrize("name", REQUESTED)
def test_every_requested_package_installs(name):
    step = updated()
    rc, ctx = step.run("apt-get", "install", "-y", name)
    assert rc == 0, ctx.errors
    # a package of the base image is in the status file already: installed either way
    assert f"Package: {name}\nStatus: install ok installed" in step.fs.read("/var/lib/dpkg/status")[0].decode()


def base_names() -> set[str]:
    from app.catalog import base_image
    status = base_image("debian:bookworm").layer().get("/var/lib/dpkg/status").inode.data.decode()
    return Installed.from_status(status).names


@pytest.mark.skipif(not os.environ.get("LAYERLAB_ALL_PACKAGES"),
                    reason="set LAYERLAB_ALL_PACKAGES=1 to install each of the catalog's ~365 packages")
def test_every_catalog_package_installs():
    for name in sorted(catalog().packages):
        step = updated()
        rc, ctx = step.run("apt-get", "install", "-y", "--no-install-recommends", name)
        assert rc == 0, (name, ctx.errors)


@pytest.mark.parametrize("recommends", [True, False], ids=["recommends", "no-recommends"])
@pytest.mark.parametrize("name", REQUESTED)
def test_resolver_agrees_with_apt(name, recommends):
    cat = catalog()
    want = set(cat.apt_closures[name]["recommends" if recommends else "no_recommends"])
    got = {p.name for p in resolve([name], Installed.from_status(base_status()), cat, recommends)}
    assert got == want, f"only ours: {sorted(got - want)}; only apt's: {sorted(want - got)}"


def base_status() -> str:
    from app.catalog import base_image
    return base_image("debian:bookworm").layer().get("/var/lib/dpkg/status").inode.data.decode()


def test_python3_layer_holds_the_same_paths_as_the_real_layer():
    """Path by path against the upper directory of the real RUN (tools/measure_real_sizes.py)."""
    import gzip

    real = set(gzip.open(REAL_SIZES.parent / "real_python3_layer_paths.txt.gz", "rt").read().split())
    step = updated()
    step.run("apt-get", "install", "-y", "--no-install-recommends", "python3")
    simulated = {p for p, n in step.fs.upper.items() if not isinstance(n, Whiteout)} - {"/"}
    only_real, only_simulated = sorted(real - simulated), sorted(simulated - real)
    assert len(only_real) <= 0.02 * len(real) and len(only_simulated) <= 0.02 * len(real), (
        f"{len(real)} real paths, {len(simulated)} simulated; only in the real layer: "
        f"{only_real[:20]}; only in the simulated one: {only_simulated[:20]}")


# What `apt-get install -y NAME` does after `apt-get update`, by where NAME comes from.
# (name, exit status, what the layer holds, what the student is told)
INSTALL_CASES = [
    # in the catalog: the real files of the .deb
    ("curl", 0, "/usr/bin/curl", None),
    # in Debian bookworm but not in the catalog: a flagged placeholder, as the real build succeeds
    ("postgresql-15", 0, "/usr/share/doc/postgresql-15/copyright",
     "package postgresql-15 is not in layerlab's catalog (it is in Debian bookworm)"),
    # in no Debian release at all: apt's own error and exit status
    ("no-such-package-xyz", 100, None, None),
]


@pytest.mark.parametrize("name,status,footprint,note", INSTALL_CASES, ids=[c[0] for c in INSTALL_CASES])
def test_install_by_where_the_package_comes_from(name, status, footprint, note):
    step = updated()
    rc, ctx = step.run("apt-get", "install", "-y", "--no-install-recommends", name)
    assert rc == status, ctx.errors
    if status == 100:
        assert f"E: Unable to locate package {name}" in ctx.errors
        assert not step.fs.exists(f"/usr/share/doc/{name}")
        return
    assert step.fs.exists(footprint)
    dpkg_status = step.fs.read("/var/lib/dpkg/status")[0].decode()
    assert f"Package: {name}\nStatus: install ok installed" in dpkg_status
    assert step.fs.exists(f"/var/lib/dpkg/info/{name}.list")
    hints = [hint for _, hint in ctx.skipped]
    if note is None:
        assert not hints
    else:
        assert any(note in h for h in hints), hints
        listed = step.fs.read(f"/var/lib/dpkg/info/{name}.list")[0].decode()
        assert listed.splitlines() == ["/.", "/usr", "/usr/share", "/usr/share/doc",
                                       f"/usr/share/doc/{name}", footprint]


def test_a_placeholder_is_removed_again_by_autoremove():
    step = updated()
    step.run("apt-get", "install", "-y", "postgresql-15")
    step.run("apt-mark", "auto", ".*")
    rc, ctx = step.run("apt-get", "purge", "-y", "--auto-remove")
    assert rc == 0 and "postgresql-15" in ctx.output
    assert not step.fs.exists("/usr/share/doc/postgresql-15/copyright")
    assert "Package: postgresql-15\n" not in step.fs.read("/var/lib/dpkg/status")[0].decode()


def test_apt_mark_and_dpkg_query_read_the_image_files():
    step = updated()
    rc, ctx = step.run("apt-mark", "showmanual")
    assert rc == 0 and ctx.output == ""  # the official image marks every package auto
    step.run("apt-get", "install", "-y", "--no-install-recommends", "curl")
    assert step.run("apt-mark", "showmanual")[1].output == "curl\n"
    rc, ctx = step.run("dpkg-query", "--search", "/usr/bin/curl")
    assert rc == 0 and ctx.output == "curl: /usr/bin/curl\n"
    rc, ctx = step.run("dpkg-query", "-W", "-f=${Package} ${Version}\\n", "curl")
    assert ctx.output.startswith("curl 7.88.1")
    assert step.run("dpkg", "--print-architecture")[1].output == "amd64\n"
    assert step.run("dpkg-architecture", "--query", "DEB_BUILD_GNU_TYPE")[1].output == "x86_64-linux-gnu\n"


def test_qq_keeps_apt_quiet_but_not_its_errors():
    step = Step("debian:bookworm")
    rc, ctx = step.run("apt-get", "-qq", "update")
    assert rc == 0 and ctx.output == ""
    rc, ctx = step.run("apt-get", "install", "-yqq", "nosuchthing")
    assert rc == 100 and "Unable to locate" in ctx.errors
