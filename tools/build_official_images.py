"""Build app/catalog/data/official-images.json(.gz): official images stacked on debian:bookworm(-slim).

    python tools/build_official_images.py [--work DIR]

Why the simulator builds them: an official image is debian:bookworm-slim (golang: bookworm) plus
the layers its Dockerfile makes. For each image, tools/official_images/NAME.Dockerfile is the official
Dockerfile (../shared/conformance/real) instruction for instruction, with the steps that
download from outside Debian (nginx.org's packages, a compiled tarball) done with Debian's own
packages instead. The script

1. asks this machine's apt (bookworm lists, with the base image's dpkg status as the
   installed set) what each of those RUNs installs, and fetches every .deb the package catalog
   lacks with ``apt-get download`` into a temporary directory, read with ``dpkg-deb`` (the same
   reader as tools/build_catalog.py); they join the catalog in this process only;
2. builds the adapted Dockerfile in the simulator (real Debian data, nothing runs on the host);
3. keeps each layer the build made as rows, with the official Dockerfile's ``created_by``
   (its own RUN text) so that ``docker history`` reads as the real image's.

COPY of the entrypoint scripts: their sizes are the ones listed in SPECS (recalled from the
official repositories, contents not known: they read as zeros). Only paths, sizes and small
text files are kept, gzipped JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from build_catalog import canonical, read_deb  # noqa: E402
from build_python_images import layer_rows  # noqa: E402

from app.build import ContextFile, build  # noqa: E402
from app.catalog import data_files  # noqa: E402
from app.dockerfile.instructions import Run, parse_dockerfile  # noqa: E402

OUT = ROOT / "app/catalog/data/official-images.json.gz"
INDEX = ROOT / "app/catalog/data/official-images.json"
REAL = ROOT.parent / "shared/conformance/real"
RECIPES = ROOT / "tools/official_images"
TOP_LINKS = {"/bin": "/usr/bin", "/sbin": "/usr/sbin", "/lib": "/usr/lib", "/lib64": "/usr/lib64"}

# httpd-foreground as docker-library/httpd ships it.
HTTPD_FOREGROUND = ("#!/bin/sh\nset -e\n\n# Apache gets grumpy about PID files pre-existing\n"
                    "rm -f /usr/local/apache2/logs/httpd.pid\n\nexec httpd -DFOREGROUND \"$@\"\n")

# key -> how it is built and what it is compared with. "packages": what the adapted RUNs install
# (their apt closure is fetched when the catalog lacks it); "context": COPY sources and sizes.
SPECS = {
    "nginx": {
        "official": "nginxinc__docker-nginx__mainline__debian__Dockerfile.Dockerfile",
        "packages": ["nginx", "libnginx-mod-http-xslt-filter", "libnginx-mod-http-geoip",
                     "libnginx-mod-http-image-filter", "gettext-base", "curl", "ca-certificates"],
        "context": {"docker-entrypoint.sh": 1620, "10-listen-on-ipv6-by-default.sh": 2125,
                    "15-local-resolvers.envsh": 389, "20-envsubst-on-templates.sh": 3018,
                    "30-tune-worker-processes.sh": 4619},
        # version -> (ENV value, tags); the files are the same Debian 1.22 build for each.
        "version_env": "NGINX_VERSION",
        "versions": {"1.27": ["1.27.4", ["1.27", "1.27.4", "1.27-bookworm", "1.27.4-bookworm", "mainline",
                                          "mainline-bookworm", "1", "bookworm", "latest"]],
                     "1.25": ["1.25.5", ["1.25", "1.25.5", "1.25-bookworm", "1.25.5-bookworm"]]},
        "published": [192_000_000, "nginx:1.27 (bookworm, linux/amd64) as `docker images` showed it in "
                                   "2024-25, about 192 MB, recalled (Docker Hub is not reachable here)"],
        "note": "Debian's nginx {nginx} and its xslt, geoip and image-filter modules in place of nginx.org's "
                "{version} packages (no njs module: bookworm has none), laid out as nginx.org's package "
                "(conf.d/default.conf, /var/cache/nginx, no sites-enabled); the entrypoint scripts' sizes "
                "are recalled, their contents unknown",
    },
    "httpd": {
        "official": "docker-library__httpd__2.4__Dockerfile.Dockerfile",
        "packages": ["ca-certificates", "libaprutil1-ldap", "libldap-common", "apache2-bin", "apache2-data"],
        "context": {"httpd-foreground": HTTPD_FOREGROUND},
        "version_env": "HTTPD_VERSION",
        "versions": {"2.4": ["2.4.68", ["2.4", "2.4.68", "2", "2.4-bookworm", "2.4.68-bookworm", "latest"]]},
        "published": [148_000_000, "httpd:2.4 (bookworm, linux/amd64) as `docker images` showed it in 2024-25, "
                                   "about 148 MB, recalled (Docker Hub is not reachable here)"],
        "note": "Debian's apache2-bin {apache2-bin} files in place of the compiled {version}, moved where "
                "`make install --prefix=/usr/local/apache2` puts them (bin/httpd, modules, error, icons); "
                "conf/httpd.conf, magic and mime.types have recalled sizes, contents unknown",
    },
    "redis": {
        "official": "docker-library__redis__7.4-rc__debian__Dockerfile.Dockerfile",
        "packages": ["tzdata", "gosu", "redis-server"],
        "context": {"docker-entrypoint.sh": 1620},
        "version_env": "REDIS_VERSION",
        "versions": {"7": ["7.0.15", ["7", "7.0", "7.0.15", "7-bookworm", "7.0-bookworm", "7.0.15-bookworm"]]},
        "published": [117_000_000, "redis:7.0 (linux/amd64) as `docker images` showed it in 2022-23 "
                                   "tutorials, about 117 MB, recalled (Docker Hub is not reachable here)"],
        "note": "Debian's redis-server and redis-tools {redis-server} files in place of the compiled ones, "
                "moved to /usr/local/bin as `make install` puts them; Debian's gosu package in place of "
                "tianon's release; the entrypoint script's size is recalled, its contents unknown",
    },
    "postgres": {
        "official": "docker-library__postgres__14__bookworm__Dockerfile.Dockerfile",
        "packages": ["gnupg", "less", "gosu", "locales", "libnss-wrapper", "xz-utils", "zstd",
                     "postgresql-common", "postgresql-15"],
        "context": {"docker-entrypoint.sh": 12105, "docker-ensure-initdb.sh": 1153},
        "version_env": "PG_VERSION",
        "versions": {"15": ["15.20-0+deb12u1", ["15", "15-bookworm", "15.20", "15.20-bookworm"]]},
        "published": [425_000_000, "postgres:15 (bookworm, linux/amd64) as `docker images` showed it in "
                                   "2024-25, about 425 MB, recalled (Docker Hub is not reachable here)"],
        "note": "Debian bookworm's own postgresql-15 {postgresql-15} (real files) in place of "
                "apt.postgresql.org's build of the same major version; Debian's gosu package in place of "
                "tianon's release; the signing key and the entrypoint scripts have recalled sizes, "
                "contents unknown",
    },
    "golang": {
        "official": "docker-library__golang__1.27__trixie__Dockerfile.Dockerfile",
        "base": "bookworm",
        "leading": 2,  # buildpack-deps:bookworm-scm's two RUNs, before the official final stage's
        "packages": ["ca-certificates", "curl", "gnupg", "netbase", "wget", "git", "mercurial",
                     "openssh-client", "subversion", "procps", "g++", "gcc", "libc6-dev", "make", "pkg-config"],
        "backports": ["golang-1.22-go", "golang-1.22-src"],
        "version_env": "GOLANG_VERSION",
        "versions": {"1.22": ["1.22.12", ["1.22", "1.22.12", "1.22-bookworm", "1.22.12-bookworm"]]},
        "published": [814_000_000, "golang:1.22 (bookworm, linux/amd64) as `docker images` showed it in "
                                   "2024, about 814 MB, recalled (Docker Hub is not reachable here)"],
        "note": "Debian's own Go {version} (bookworm-backports' golang-1.22-go and golang-1.22-src "
                "{golang-1.22-go}) moved to /usr/local/go where the official tarball puts it; "
                "buildpack-deps:bookworm-scm's two RUNs written out on debian:bookworm (real data)",
    },
}
BACKPORTS = "deb http://deb.debian.org/debian bookworm-backports main\n"


def backports_debs(names: list[str], work: Path) -> None:
    """``apt-get download`` from bookworm-backports (an apt configuration of its own in ``work``)."""
    lists = work / "backports-lists"
    (lists / "partial").mkdir(parents=True, exist_ok=True)
    (work / "backports.list").write_text(BACKPORTS)
    opts = ["-o", f"Dir::Etc::SourceList={work / 'backports.list'}", "-o", "Dir::Etc::SourceParts=/nonexistent",
            "-o", f"Dir::State::Lists={lists}"]
    subprocess.run(["apt-get", "-qq", *opts, "update"], check=True)
    subprocess.run(["apt-get", "-qq", *opts, "download", *names], cwd=work, check=True)


def apt_closure(names: list[str], status: Path) -> list[str]:
    """What ``apt-get install --no-install-recommends NAMES`` installs on the image of that dpkg status."""
    out = subprocess.run(["apt-get", "install", "-s", "--no-install-recommends", "-o",
                          f"Dir::State::status={status}", *names],
                         check=True, capture_output=True, text=True).stdout
    return [line.split()[1] for line in out.splitlines() if line.startswith("Inst ")]


def add_missing_debs(names: list[str], work: Path) -> dict[str, str]:
    """Fetch and read the .debs the package catalog lacks; they join it in this process."""
    packages = data_files.load("debian-bookworm-packages.json.gz")["packages"]
    missing = [n for n in names if n not in packages]
    fetch = [n for n in missing if not any(work.glob(f"{n}_*.deb"))]  # backports' are there already
    if fetch:
        subprocess.run(["apt-get", "-qq", "download", *fetch], cwd=work, check=True)
    added = {}
    for name in missing:
        info = read_deb(next(work.glob(f"{name}_*.deb")))
        for row in info["files"]:
            row[0] = canonical(row[0], TOP_LINKS)
            if row[1] == "h":
                row[6] = canonical(row[6], TOP_LINKS)
        info.pop("_scripts", None)
        packages[name] = info
        added[name] = info["fields"]["Version"]
    return added


def official_created_by(official: Path, ours: str, leading: int = 0) -> list[str | None]:
    """Per instruction of our recipe's last stage: the official instruction's RUN text as BuildKit
    writes it (None: keep the build's own text, which is the official one for every other keyword,
    and for the ``leading`` instructions the official stage does not have)."""
    theirs = parse_dockerfile(official.read_text(), official.name).stages[-1].instructions
    mine = parse_dockerfile(ours, "recipe").stages[-1].instructions[leading:]
    if [type(i) for i in theirs] != [type(i) for i in mine]:
        raise SystemExit(f"{official.name}: the recipe's instructions differ from the official ones")
    return [None] * leading + [f"RUN /bin/sh -c {t.command} # buildkit" if isinstance(t, Run) else None
                               for t in theirs]


def image_layers(key: str, spec: dict) -> tuple[list, dict]:
    """Build the recipe; return its layers (rows, contents, created_by) and its config."""
    recipe = (RECIPES / f"{key}.Dockerfile").read_text()
    texts = official_created_by(REAL / spec["official"], recipe, spec.get("leading", 0))
    context = {name: (ContextFile(value.encode(), mode=0o755) if isinstance(value, str)
                      else ContextFile(None, value, 0o755))  # a size only: contents not known
               for name, value in spec.get("context", {}).items()}
    result = build(recipe, context, name=key)
    for step in result.steps:
        if step.keyword != "FROM" and (step.error or step.not_simulated or step.uncertain):
            raise SystemExit(f"{key}: {step.text[:60]} did not simulate cleanly: "
                             f"{step.error} {step.not_simulated} {step.uncertain}")
    image, layers, at = result.image, [], 1
    made = [h.created_by for h in image.history if not h.empty_layer]
    last = [step for step in result.steps if step.stage == result.steps[-1].stage]
    for step, text in zip(last[1:], texts):
        if not step.created_layer:
            continue
        rows, contents = layer_rows(image.layers[at])
        contents = {p: t for p, t in contents.items() if t.strip("\0")}  # COPY sources: sizes only
        layers.append({"created_by": text or made[at], "rows": rows, "contents": contents})
        at += 1
    return layers, dict(image.config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the .debs here (default: a temporary directory)")
    args = parser.parse_args()
    debian = data_files.load("debian-bookworm.json.gz")["images"]
    images, added = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for spec in SPECS.values():
            base = spec.get("base", "bookworm-slim")
            status = work / f"{base}.status"
            status.write_text(debian[base]["contents"]["/var/lib/dpkg/status"])
            if spec.get("backports"):
                backports_debs(spec["backports"], work)
            added.update(add_missing_debs(apt_closure(spec["packages"], status) + spec.get("backports", []), work))
    versions = {n: p["fields"]["Version"] for n, p in
                data_files.load("debian-bookworm-packages.json.gz")["packages"].items()}
    for key, spec in SPECS.items():
        layers, config = image_layers(key, spec)
        used = {n: versions[n] for n in spec["packages"] + spec.get("backports", []) if n in versions}
        keep = ("version_env", "versions", "published", "note")
        images[key] = {"layers": layers, "config": config, "packages": used, **{k: spec[k] for k in keep},
                       "base": spec.get("base", "bookworm-slim")}
        print(f"{key}: {len(layers)} layers, {sum(r[5] for l in layers for r in l['rows'] if r[1] == 'f'):,} bytes")
    meta = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "fetched_debs": added}
    # Two files: what naming an image needs (tags, config, history, note), read when the catalog
    # is imported, and the layers' rows, read only when a build uses one of these images.
    index = {key: {k: v for k, v in image.items() if k != "layers"} |
             {"history": [layer["created_by"] for layer in image["layers"]]} for key, image in images.items()}
    INDEX.write_text(json.dumps({"meta": meta, "images": index}, indent=1, sort_keys=True) + "\n")
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump({"meta": meta, "layers": {key: image["layers"] for key, image in images.items()}}, f,
                  separators=(",", ":"))
    print(f"wrote {INDEX} and {OUT} ({OUT.stat().st_size:,} bytes; {len(added)} .debs fetched beyond the catalog)")

if __name__ == "__main__":
    main()
