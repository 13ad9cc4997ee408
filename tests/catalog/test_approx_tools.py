"""apk, yum and pip: approximate, and saying so, but touching the files the real tools touch."""

from __future__ import annotations

from app.catalog import package_tool
from app.engine.layer import File

from catalog_helpers import Step


def test_apk_add_no_cache_installs_and_keeps_no_index():
    step = Step("alpine:3.19")
    rc, ctx = step.run("apk", "add", "--no-cache", "curl")
    assert rc == 0, ctx.errors
    assert step.fs.exists("/usr/bin/curl")
    assert "P:curl\n" in step.fs.read("/lib/apk/db/installed")[0].decode()
    assert "curl" in step.fs.read("/etc/apk/world")[0].decode().split()
    assert not step.fs.listdir("/var/cache/apk")[0]
    assert ctx.skipped and "approximated" in ctx.skipped[0][1]


def test_apk_add_without_no_cache_leaves_the_index_in_the_layer():
    step = Step("alpine")
    step.run("apk", "add", "bash")
    names = step.fs.listdir("/var/cache/apk")[0]
    assert names and all(n.startswith("APKINDEX.") for n in names)
    assert step.fs.exists("/bin/bash")


def test_apk_without_alpines_index_installs_an_unknown_name_as_a_flagged_placeholder():
    # layerlab has no copy of Alpine's APKINDEX (its mirror was unreachable where the
    # catalog was made): it cannot tell libseccomp-dev from a typo, and says so.
    step = Step("alpine")
    rc, ctx = step.run("apk", "add", "--no-cache", "libseccomp-dev")
    assert rc == 0, ctx.errors
    assert "P:libseccomp-dev\n" in step.fs.read("/lib/apk/db/installed")[0].decode()
    hints = " ".join(h for _, h in ctx.skipped)
    assert "package libseccomp-dev is not in layerlab's catalog" in hints and "cannot check" in hints


def test_apk_virtual_package_and_its_removal():
    step = Step("alpine")
    rc, ctx = step.run("apk", "add", "--no-cache", "--virtual", ".build-deps", "curl", "gcc")
    assert rc == 0, ctx.errors
    assert step.fs.read("/etc/apk/world")[0].decode().split().count(".build-deps") == 1
    assert step.fs.exists("/usr/bin/curl")
    rc, ctx = step.run("apk", "del", "--no-network", ".build-deps")
    assert rc == 0
    db = step.fs.read("/lib/apk/db/installed")[0].decode()
    assert "P:gcc\n" not in db and "P:curl\n" not in db and "P:.build-deps\n" not in db
    assert not step.fs.exists("/usr/bin/curl")
    assert "P:musl\n" in db  # the base image's packages stay


def test_alpine_trees_carry_the_files_scripts_read():
    step = Step("alpine")
    assert step.fs.read("/etc/apk/arch")[0] == b"x86_64\n"
    assert "www-data:x:82:" in step.fs.read("/etc/group")[0].decode()


def test_apk_del_removes_files_and_world_entry():
    step = Step("alpine")
    step.run("apk", "add", "--no-cache", "python3")
    rc, _ = step.run("apk", "del", "python3")
    assert rc == 0
    assert not step.fs.exists("/usr/bin/python3.12")
    assert "python3" not in step.fs.read("/etc/apk/world")[0].decode().split()


def test_yum_install_copies_up_the_rpm_database_and_clean_all_drops_the_cache():
    step = Step("centos:7")
    rc, ctx = step.run("yum", "install", "-y", "httpd")
    assert rc == 0, ctx.errors
    assert step.fs.exists("/usr/sbin/httpd")
    rpmdb = step.fs.upper.get("/var/lib/rpm/Packages")
    assert isinstance(rpmdb, File) and rpmdb.size == 13_000_000  # the whole file, copied up
    assert step.fs.listdir("/var/cache/yum/x86_64/7")[0]
    step.run("yum", "clean", "all")
    assert not step.fs.exists("/var/cache/yum/x86_64")


def test_yum_without_yes_exits_as_in_a_build():
    rc, ctx = Step("centos:7").run("yum", "install", "git")
    assert rc == 1 and "Exiting on user command" in ctx.output


def test_centos_7_has_no_dnf_and_busybox_no_package_manager():
    assert "dnf" not in package_tool("centos").commands
    assert not package_tool("busybox").commands


def test_pip_on_bookworm_refuses_an_externally_managed_python():
    step = Step("debian:bookworm")
    step.run("apt-get", "update")
    step.run("apt-get", "install", "-y", "--no-install-recommends", "python3-pip")
    rc, ctx = step.run("pip", "install", "flask")
    assert rc == 1 and "externally-managed-environment" in ctx.errors
    rc, ctx = step.run("pip", "install", "--break-system-packages", "--no-cache-dir", "flask")
    assert rc == 0, ctx.errors
    assert step.fs.exists("/usr/local/lib/python3.11/dist-packages/flask/__init__.py")
    assert ctx.skipped == []  # real wheel data (app/catalog/pip.py), nothing approximated


def test_pip_is_not_found_before_it_is_installed():
    rc, ctx = Step("debian:bookworm").run("pip", "install", "flask")
    assert rc == 127


def test_ubuntu_apt_uses_ubuntu_mirror_names_and_says_it_is_approximate():
    step = Step("ubuntu:24.04")
    rc, ctx = step.run("apt-get", "update")
    assert rc == 0, ctx.errors
    assert any(n.startswith("archive.ubuntu.com_ubuntu_dists_noble") for n in step.fs.listdir("/var/lib/apt/lists")[0])
    rc, ctx = step.run("apt-get", "install", "-y", "--no-install-recommends", "curl")
    assert rc == 0 and step.fs.exists("/usr/bin/curl")
    assert any("approximated" in hint for _, hint in ctx.skipped)


def test_apt_cache_needs_lists_like_the_real_one():
    step = Step("debian:bookworm")
    rc, ctx = step.run("apt-cache", "show", "curl")
    assert rc == 100 and "No packages found" in ctx.errors
    step.run("apt-get", "update")
    rc, ctx = step.run("apt-cache", "show", "curl")
    assert rc == 0 and ctx.output.startswith("Package: curl\n")
