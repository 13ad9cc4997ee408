#!/usr/bin/env python3
"""Build app/catalog/data/ from Debian's own packages (needs root, debootstrap, debuerreotype).

Why a real build: the course claims "nothing is faked". The debian:bookworm
tree the simulator starts from is the tree Debian's official image is made
of, produced the way the official image is produced: ``debootstrap
--variant=minbase`` and then debuerreotype's own scripts (the Debian package
``debuerreotype`` ships the exact scripts docker-library uses), in the order
of debuerreotype's ``examples/debian.sh``:

  init's tail (sources, apt-mark auto, hostname, resolv.conf, shadow dates)
  -> minimizing-config (docker-clean, docker-gzip-indexes, docker-no-languages,
     docker-autoremove-suggests, docker-apt-speedup, policy-rc.d)
  -> apt-get update, full-upgrade
  -> copy for -slim, debuerreotype-slimify
  -> debuerreotype-tar --exclude ./etc/machine-id (fixup, tar-exclude rules:
     apt lists and caches left out)

The tarball is then read back with ``tarfile``: every path, type, mode,
uid/gid, size, link target and mtime. Contents are kept only for a short
whitelist of small text files that lessons read or tools edit.

Packages: ``apt-get install -s`` inside the finished rootfs gives apt's own
answer to "what would this install" (with and without recommends), every
package of those closures is fetched with ``apt-get download``, and each
.deb is read: its data tar (the same listing ``dpkg-deb -c`` prints), its
control fields (``dpkg-deb -f``), and its control tar (maintainer scripts,
md5sums, conffiles: what dpkg copies to /var/lib/dpkg/info).

Finally a real ``apt-get install`` of every requested package runs in a chroot
on overlayfs (upper directory captured): files that maintainer scripts and
triggers make (``__pycache__`` byte code, /etc/alternatives links,
ld.so.cache...) are recorded per package, since they are a real part of the
layer a RUN line makes.

Usage:  tools/build_catalog.py [--work /var/tmp/layerlab] [--skip-postinst]
Each phase caches its result in the work directory; delete it to start over.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

MIRROR = "http://deb.debian.org/debian"
SECURITY_MIRROR = "http://deb.debian.org/debian-security"
SUITE = "bookworm"
DBR = Path("/usr/share/debuerreotype/scripts")
DATA = Path(__file__).resolve().parent.parent / "app" / "catalog" / "data"

# Packages the course and its lessons install. Their whole closure is recorded.
PACKAGES = [
    "emacs", "emacs-nox", "apache2", "nginx", "curl", "wget", "git", "vim",
    "python3", "python3-pip", "python3-venv", "build-essential", "ca-certificates",
    "openssh-client", "nano", "less", "procps", "iputils-ping", "iproute2",
    "net-tools", "sudo", "unzip", "zip", "jq", "htop", "file", "tree", "gnupg",
    "xz-utils", "bzip2", "netcat-openbsd", "dnsutils", "openssl", "make",
    "locales", "tzdata",
]

# Small text files whose contents the catalog keeps (everything else: size only).
CONTENT_WHITELIST = [
    "/usr/lib/os-release", "/etc/debian_version", "/etc/hostname", "/etc/motd",
    "/etc/issue", "/etc/issue.net", "/etc/passwd", "/etc/group", "/etc/shadow",
    "/etc/gshadow", "/var/lib/dpkg/status", "/etc/apt/sources.list.d/debian.sources",
    "/etc/resolv.conf", "/etc/hosts", "/etc/shells", "/etc/profile", "/etc/bash.bashrc",
    "/root/.bashrc", "/root/.profile", "/etc/environment", "/etc/host.conf",
    "/etc/nsswitch.conf", "/usr/sbin/policy-rc.d", "/var/lib/apt/extended_states",
    "/etc/debconf.conf", "/etc/skel/.bashrc", "/etc/skel/.profile", "/etc/adduser.conf",
]
CONTENT_DIRS = ["/etc/apt/apt.conf.d/", "/etc/dpkg/dpkg.cfg.d/"]

# Files every apt/dpkg run rewrites; recorded apart from per-package outputs.
RUN_BOOKKEEPING = re.compile(
    r"^/(var/lib/dpkg/(status|status-old|available|lock.*|triggers/.*|updates/.*)"
    r"|var/log/.*|var/cache/debconf/.*|var/lib/apt/(extended_states|lists/.*)"
    r"|var/cache/apt/.*|var/cache/ldconfig/.*|etc/ld\.so\.cache|tmp/.*|root/.*)$"
)


def log(msg: str) -> None:
    print(f"[build_catalog] {msg}", file=sys.stderr, flush=True)


def run(*args: str | Path, capture: bool = False, check: bool = True, env=None) -> str:
    res = subprocess.run([str(a) for a in args], check=check, text=True, env=env,
                         stdout=subprocess.PIPE if capture else None)
    return res.stdout if capture else ""


def chroot(root: Path, *args: str, capture: bool = False, check: bool = True) -> str:
    return run(DBR / "debuerreotype-chroot", root, *args, capture=capture, check=check)


def apt_get(root: Path, *args: str, capture: bool = False) -> str:
    return run(DBR / "debuerreotype-apt-get", root, *args, capture=capture)


# -- the rootfs, as the official image is made ---------------------------------------
def sources_deb822(date: str) -> str:
    """The official image's /etc/apt/sources.list.d/debian.sources (non-snapshot form)."""
    return (
        "Types: deb\n"
        f"# http://snapshot.debian.org/archive/debian/{date}T000000Z\n"
        f"URIs: {MIRROR}\n"
        f"Suites: {SUITE} {SUITE}-updates\n"
        "Components: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
        "Types: deb\n"
        f"# http://snapshot.debian.org/archive/debian-security/{date}T000000Z\n"
        f"URIs: {SECURITY_MIRROR}\n"
        f"Suites: {SUITE}-security\n"
        "Components: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
    )


def debootstrap(dest: Path) -> None:
    if (dest / "etc/os-release").exists():
        return
    log(f"debootstrap --variant=minbase {SUITE} {dest}")
    run("debootstrap", "--variant=minbase", "--merged-usr", "--force-check-gpg",
        SUITE, dest, MIRROR)


def finish_rootfs(rootfs: Path, epoch: int, date: str) -> None:
    """debuerreotype-init's tail, then examples/debian.sh's steps."""
    (rootfs / "debuerreotype-epoch").write_text(f"{epoch}\n")
    (rootfs / "etc/apt/sources.list").unlink(missing_ok=True)
    (rootfs / "etc/apt/sources.list.d").mkdir(parents=True, exist_ok=True)
    (rootfs / "etc/apt/sources.list.d/debian.sources").write_text(sources_deb822(date))
    apt_get(rootfs, "update", "-qq")
    chroot(rootfs, "apt-mark", "auto", ".*")
    (rootfs / "etc/hostname").write_text("debuerreotype\n")
    (rootfs / "etc/resolv.conf").write_text(
        "# https://1.1.1.1 (privacy-focused, highly-available DNS service)\n"
        "nameserver 1.1.1.1\nnameserver 1.0.0.1\n")
    for name in ("etc/hostname", "etc/resolv.conf"):
        os.chmod(rootfs / name, 0o644)
    os.chown(rootfs, 0, 0)
    os.chmod(rootfs, 0o755)
    sp_lstchg = epoch // 86400
    for name in ("etc/shadow", "etc/shadow-"):
        p = rootfs / name
        if p.exists():
            lines = []
            for line in p.read_text().splitlines():
                f = line.split(":")
                if len(f) > 2 and f[2].isdigit() and int(f[2]) > sp_lstchg:
                    f[2] = str(sp_lstchg)
                lines.append(":".join(f))
            p.write_text("\n".join(lines) + "\n")
    run(DBR / "debuerreotype-minimizing-config", rootfs)
    apt_get(rootfs, "update", "-qq")
    apt_get(rootfs, "full-upgrade", "-yqq")


def make_slim(rootfs: Path, slim: Path) -> None:
    if slim.exists():
        shutil.rmtree(slim)
    slim.mkdir()
    run("bash", "-c", f"tar -cC {rootfs} . | tar -xC {slim}")
    run(DBR / "debuerreotype-slimify", slim)


def make_tar(rootfs: Path, out: Path) -> None:
    run(DBR / "debuerreotype-tar", "--exclude", "./etc/machine-id", rootfs, out)


# -- reading trees -----------------------------------------------------------------
def tar_entries(tf: tarfile.TarFile, strip_dot: bool = True) -> list[list]:
    """[path, kind, mode, uid, gid, size, target, mtime] for every member.

    kind: d (directory), f (regular file), l (symlink), h (hard link to target).
    """
    rows = []
    for m in tf.getmembers():
        name = m.name
        if name in (".", "./", ""):
            path = "/"
        else:
            path = "/" + name.lstrip("./") if strip_dot and name.startswith("./") else "/" + name.lstrip("/")
            path = path.rstrip("/") or "/"
        if m.isdir():
            kind, size, target = "d", 0, None
        elif m.issym():
            kind, size, target = "l", 0, m.linkname
        elif m.islnk():
            kind, size, target = "h", 0, "/" + m.linkname.lstrip("./")
        elif m.isreg():
            kind, size, target = "f", m.size, None
        else:  # devices, fifos: none in these images (tar excludes /dev/**)
            continue
        rows.append([path, kind, m.mode & 0o7777, m.uid, m.gid, size, target, int(m.mtime)])
    return rows


def read_image_tar(tar_path: Path, rootfs: Path) -> dict:
    with tarfile.open(tar_path) as tf:
        rows = tar_entries(tf)
    paths = {r[0] for r in rows}
    contents = {}
    for p in CONTENT_WHITELIST:
        if p in paths and (rootfs / p.lstrip("/")).is_file():
            contents[p] = (rootfs / p.lstrip("/")).read_text()
    for d in CONTENT_DIRS:
        for r in rows:
            if r[0].startswith(d) and r[1] == "f":
                contents[r[0]] = (rootfs / r[0].lstrip("/")).read_text()
    return {"entries": rows, "contents": contents}


# -- packages ----------------------------------------------------------------------
INST = re.compile(r"^Inst (\S+) (?:\[\S+\] )?\((\S+)")


def apt_closure(rootfs: Path, pkg: str, recommends: bool) -> list[str]:
    args = ["install", "-s", "-y"] + ([] if recommends else ["--no-install-recommends"]) + [pkg]
    out = apt_get(rootfs, *args, capture=True)
    return [m.group(1) for line in out.splitlines() if (m := INST.match(line))]


def download(rootfs: Path, names: list[str], debs: Path) -> None:
    have = {p.name.split("_")[0] for p in debs.glob("*.deb")}
    need = sorted(set(names) - have)
    if not need:
        return
    inside = rootfs / "tmp/debs"
    inside.mkdir(parents=True, exist_ok=True)
    chroot(rootfs, "bash", "-c", "cd /tmp/debs && apt-get -qq download " + " ".join(need))
    debs.mkdir(parents=True, exist_ok=True)
    for p in inside.glob("*.deb"):
        shutil.move(str(p), debs / p.name)
    shutil.rmtree(inside)


def read_deb(path: Path) -> dict:
    """What a .deb holds: control fields, control members, data members."""
    control = run("dpkg-deb", "-f", path, capture=True)
    fields = {}
    key = None
    for line in control.splitlines():
        if line[:1] in (" ", "\t") and key:
            fields[key] += "\n" + line
        elif ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    ctrl_tar = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(path)], check=True,
                              stdout=subprocess.PIPE).stdout
    members = {}
    scripts: list[str] = []
    with tarfile.open(fileobj=io.BytesIO(ctrl_tar)) as tf:
        for m in tf.getmembers():
            if m.isreg():
                name = m.name.lstrip("./")
                data = tf.extractfile(m).read()
                keep = name in ("conffiles", "triggers", "shlibs")
                if name in ("preinst", "postinst", "config", "triggers"):
                    scripts.append(data.decode("utf-8", "replace"))
                members[name] = {"size": m.size, "mode": m.mode & 0o7777,
                                 **({"text": data.decode()} if keep else {})}
    data_tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(path)], check=True,
                              stdout=subprocess.PIPE).stdout
    with tarfile.open(fileobj=io.BytesIO(data_tar)) as tf:
        files = tar_entries(tf)
    return {"control_text": control, "fields": fields, "control_members": members,
            "files": files, "deb_size": path.stat().st_size,
            "deb_name": path.name, "_scripts": "\n".join(scripts)}


def canonical(path: str, top_links: dict[str, str]) -> str:
    """/bin/ls -> /usr/bin/ls on a merged-/usr system (dpkg writes through the link)."""
    parts = path.split("/", 2)
    if len(parts) > 1 and "/" + parts[1] in top_links and len(parts) == 3:
        return top_links["/" + parts[1]] + "/" + parts[2]
    return path


# -- postinst outputs: a real install on overlayfs ------------------------------------
def extract_image(tar_path: Path, dest: Path) -> Path:
    """The image's tree exactly as ``docker pull`` would unpack it (no apt lists, no caches)."""
    if not (dest / "etc/os-release").exists():
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        run("tar", "-xpf", tar_path, "-C", dest, "--numeric-owner")
        (dest / "debuerreotype-epoch").write_text((tar_path.parent / "rootfs/debuerreotype-epoch").read_text())
    return dest


def real_install_outputs(rootfs: Path, work: Path, pkgs: list[str], recommends: bool) -> dict:
    """Mount overlay(lower=image tree), ``apt-get update && apt-get install``, and return
    {path: [kind, mode, size, target]} of the upper directory: that RUN line's layer."""
    tag = hashlib.sha1((" ".join(pkgs) + str(recommends)).encode()).hexdigest()[:10]
    base = work / "ovl" / tag
    if base.exists():
        run("umount", base / "merged", check=False)
        shutil.rmtree(base)
    for d in ("upper", "work", "merged"):
        (base / d).mkdir(parents=True)
    run("mount", "-t", "overlay", "overlay", "-o",
        f"lowerdir={rootfs},upperdir={base/'upper'},workdir={base/'work'}", base / "merged")
    try:
        flags = "" if recommends else "--no-install-recommends "
        script = f"apt-get update -qq && apt-get install -y -qq {flags}{' '.join(pkgs)}"
        subprocess.run([str(DBR / "debuerreotype-chroot"), str(base / "merged"), "bash", "-c",
                        "DEBIAN_FRONTEND=noninteractive " + script],
                       check=True, stdout=subprocess.DEVNULL)
    finally:
        run("umount", base / "merged")
    out = read_upper(base / "upper")
    shutil.rmtree(base)
    (work / "ovl" / f"{tag}.json").write_text(json.dumps(out, indent=0, sort_keys=True))
    return out


def read_upper(upper: Path) -> dict:
    """{path: [kind, mode, size, target]} of an overlayfs upper directory (kind w: a whiteout)."""
    out = {}
    for p in upper.rglob("*"):
        st = p.lstat()
        rel = "/" + str(p.relative_to(upper))
        if p.is_symlink():
            out[rel] = ["l", 0o777, 0, os.readlink(p)]
        elif p.is_dir():
            out[rel] = ["d", st.st_mode & 0o7777, 0, None]
        elif p.is_file():
            out[rel] = ["f", st.st_mode & 0o7777, st.st_size, None]
        else:  # whiteout (char 0/0)
            out[rel] = ["w", 0, 0, None]
    return out


def attribute_outputs(outputs: dict, owners: dict, known: set[str],
                      batch: set[str], scripts: dict[str, str]) -> dict[str, list]:
    """Split what a real install made but no .deb holds, by the package that made it.

    Only packages of this install (``batch``) are candidates, tried in order:
    ``__pycache__/x.cpython-311.pyc`` belongs to the package owning ``x.py``;
    otherwise the package whose maintainer scripts name the path (or its
    directory); otherwise the one whose name is in the path; otherwise the one
    owning the nearest directory below the top two levels. Anything left
    (apt/dpkg bookkeeping, /run) goes to "(run)", which installs do not replay.
    """
    per: dict[str, list] = {}
    placed: dict[str, str] = {}  # non-directory path -> owner, to place new directories
    # Files first, then the directories they were made in (deepest first).
    items = sorted(outputs.items(), key=lambda kv: (kv[1][0] == "d", -kv[0].count("/"), kv[0]))
    for path, (kind, mode, size, target) in items:
        if path in known or kind == "w":
            continue
        if RUN_BOOKKEEPING.match(path) or path.startswith(("/var/lib/dpkg/info/", "/run/")):
            continue
        owner = None
        if kind == "d":
            below = [o for p, o in placed.items() if p.startswith(path + "/")]
            if below:
                owner = max(set(below), key=below.count)
        if "/__pycache__/" in path:
            src = path.split("/__pycache__/")[0] + "/" + path.rsplit("/", 1)[1].split(".")[0] + ".py"
            owner = owners.get(src) if owners.get(src) in batch else None
        if owner is None and "__pycache__" not in path:
            for probe in (path, path.rsplit("/", 1)[0]):
                hits = [n for n in sorted(batch) if probe.count("/") > 1 and probe in scripts.get(n, "")]
                if hits:
                    owner = hits[0]
                    break
        if owner is None:
            named = [n for n in batch if len(n) > 3 and n in path]
            owner = max(named, key=len) if named else None
        probe = path
        while owner is None and probe.count("/") > 2:
            probe = probe.rsplit("/", 1)[0]
            owner = next((n for n in owners.get(probe + "#dir", []) if n in batch), None)
        per.setdefault(owner or "(run)", []).append([path, kind, mode, size, target])
        placed[path] = owner or "(run)"
    for rows in per.values():
        rows.sort(key=lambda r: r[0])  # parents before children, as they are replayed
    return per


def file_owners(packages: dict) -> tuple[set[str], dict]:
    """Every path the packages ship, and its owner: file path -> package, "dir#dir" -> [packages
    shipping that directory] (maintainer scripts' outputs are attributed by it)."""
    owners: dict = {}
    known: set[str] = set()
    for name, info in packages.items():
        for row in info["files"]:
            known.add(row[0])
            if row[1] == "d":
                owners.setdefault(row[0] + "#dir", []).append(name)
            else:
                owners[row[0]] = name
    return known, owners


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default="/var/tmp/layerlab", type=Path)
    ap.add_argument("--skip-postinst", action="store_true",
                    help="do not run the real installs that record maintainer-script outputs")
    opts = ap.parse_args()
    work: Path = opts.work
    work.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(dt.timezone.utc).date()
    epoch = int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc).timestamp())
    date = today.strftime("%Y%m%d")

    minbase = work / "minbase"
    debootstrap(minbase)
    rootfs, slim = work / "rootfs", work / "rootfs-slim"
    if not (rootfs / "debuerreotype-epoch").exists():
        if rootfs.exists():
            shutil.rmtree(rootfs)
        rootfs.mkdir()
        run("bash", "-c", f"tar -cC {minbase} . | tar -xC {rootfs}")
        log("finishing rootfs as debuerreotype does")
        finish_rootfs(rootfs, epoch, date)
        make_slim(rootfs, slim)
        make_tar(rootfs, work / "rootfs.tar")
        make_tar(slim, work / "rootfs-slim.tar")
    epoch = int((rootfs / "debuerreotype-epoch").read_text())

    images = {}
    for tag, tree, tar_path in (("bookworm", rootfs, work / "rootfs.tar"),
                                ("bookworm-slim", slim, work / "rootfs-slim.tar")):
        img = read_image_tar(tar_path, tree)
        img["tar_size"] = tar_path.stat().st_size
        images[tag] = img
        log(f"{tag}: {len(img['entries'])} entries, "
            f"{sum(r[5] for r in img['entries'])} bytes in regular files")

    image = extract_image(work / "rootfs.tar", work / "image-bookworm")

    closures = {}
    for pkg in PACKAGES:
        closures[pkg] = {"recommends": apt_closure(rootfs, pkg, True),
                         "no_recommends": apt_closure(rootfs, pkg, False)}
        log(f"{pkg}: {len(closures[pkg]['no_recommends'])} packages "
            f"({len(closures[pkg]['recommends'])} with recommends)")
    wanted = sorted({p for c in closures.values() for v in c.values() for p in v})
    debs = work / "debs"
    download(rootfs, wanted, debs)
    top_links = {r[0]: "/" + r[6].lstrip("/") for r in images["bookworm"]["entries"]
                 if r[1] == "l" and r[0].count("/") == 1 and r[0] in
                 ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")}
    packages = {}
    for deb in sorted(debs.glob("*.deb")):
        name = deb.name.split("_")[0]
        if name not in wanted:
            continue
        info = read_deb(deb)
        for row in info["files"]:
            row[0] = canonical(row[0], top_links)
            if row[1] == "h":
                row[6] = canonical(row[6], top_links)
        packages[name] = info
    log(f"read {len(packages)} .debs")

    generated: dict[str, list] = {}
    if not opts.skip_postinst:
        known, owners = file_owners(packages)
        scripts = {name: info["_scripts"] for name, info in packages.items()}
    lists: list[list] = []
    if not opts.skip_postinst:
        others = [p for p in PACKAGES if not p.startswith("emacs")]
        # emacs-nox and emacs (-> emacs-gtk) conflict: three real installs.
        for batch, recommends in ((others, False), (["emacs-nox"], False), (["emacs"], True)):
            log(f"real install of {len(batch)} package(s) on overlayfs (maintainer scripts)")
            outs = real_install_outputs(image, work, batch, recommends=recommends)
            if not lists:
                lists = [[p, k, m, 0, 0, sz, t, 0] for p, (k, m, sz, t) in sorted(outs.items())
                         if p.startswith("/var/lib/apt/lists/") and not p.endswith("/lock")]
                log(f"apt lists after update: {len(lists)} entries, {sum(r[5] for r in lists)} bytes")
            names = {n for pkg in batch for n in closures[pkg]["recommends" if recommends else "no_recommends"]}
            for owner, rows in attribute_outputs(outs, owners, known, names, scripts).items():
                have = {r[0] for r in generated.get(owner, [])}
                generated.setdefault(owner, []).extend(r for r in rows if r[0] not in have)

    for info in packages.values():
        info.pop("_scripts", None)
    versions = {n: p["fields"].get("Version") for n, p in packages.items()}
    archive_names: set[str] = set()  # every package the mirror has, to tell "not in Debian" apart
    for plist in (rootfs / "var/lib/apt/lists").glob("*_Packages"):
        with open(plist, encoding="utf-8", errors="replace") as f:
            archive_names.update(line[9:].strip() for line in f if line.startswith("Package: "))
    base_versions = {}
    for stanza in images["bookworm"]["contents"]["/var/lib/dpkg/status"].split("\n\n"):
        m = re.search(r"^Package: (\S+)", stanza, re.M)
        v = re.search(r"^Version: (\S+)", stanza, re.M)
        if m and v:
            base_versions[m.group(1)] = v.group(1)

    DATA.mkdir(parents=True, exist_ok=True)
    meta = {
        "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "epoch": epoch, "mirror": MIRROR, "security_mirror": SECURITY_MIRROR,
        "suite": SUITE, "architecture": "amd64",
        "debootstrap": run("debootstrap", "--version", capture=True).strip(),
        "debuerreotype": (DBR.parent / "VERSION").read_text().strip(),
        "base_packages": base_versions,
    }
    write_gz(DATA / "debian-bookworm.json.gz", {"meta": meta, "images": images, "apt_lists": lists})
    write_gz(DATA / "debian-bookworm-packages.json.gz", {
        "meta": {**meta, "package_versions": versions},
        "requested": PACKAGES, "apt_closures": closures, "packages": packages,
        "generated_files": generated, "archive_names": sorted(archive_names),
    })
    log("wrote " + ", ".join(f"{p.name} {p.stat().st_size} B" for p in sorted(DATA.glob("debian-*.gz"))))
    # Every package name of the releases (to tell "not in the catalog" from "not in Debian"):
    # its own tool, which needs no root and can be rerun alone.
    run(sys.executable, Path(__file__).with_name("build_package_names.py"))


def write_gz(path: Path, obj) -> None:
    raw = json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()
    path.write_bytes(gzip.compress(raw, 9, mtime=0))


if __name__ == "__main__":
    main()
