"""Base images: which references the catalog knows, and their root filesystem layer.

``FROM debian:bookworm`` starts from the tree of Debian's official image,
rebuilt from Debian's own packages (tools/build_catalog.py). The other
distributions come from small hand-made trees (data/approx-*.json) whose
total size matches the real image's published size: they are flagged
``approximate`` and say so in ``note``. A reference the catalog does not know
gets a placeholder (``placeholder_base``): a small tree of the guessed
distribution, so that ``apt-get``/``apk`` in later RUN lines still mean
something, flagged as such.

Layers are built once per process and cached: every image based on
``debian:bookworm`` shares the very same frozen ``Layer`` object, which is
how layered images share layers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from app.engine.layer import Layer

from . import data_files, node_images, official_images, python_images
from .package_names import debian_names
from .trees import layer_from_rows, rows_size

DEBIAN_DATA = "debian-bookworm.json.gz"
DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(eq=False)
class BaseImage:
    """A base image the build can start ``FROM``.

    Most are one rootfs layer. An official image built on debian:bookworm-slim
    (python, nginx...) is several: bookworm-slim's very layer object first, so
    that diagrams draw it once for every image on it, then one layer per RUN or
    COPY of its Dockerfile. ``history`` names them as ``docker history`` does.
    """

    ref: str  # canonical reference, e.g. "debian:bookworm"
    name: str
    tag: str
    distro: str  # "debian" | "ubuntu" | "centos" | "alpine" | "busybox"
    pretty_name: str
    approximate: bool
    size: int  # bytes, as ``docker images`` shows them
    config: dict = field(default_factory=dict)
    note: str = ""
    _source: tuple = field(default=(), repr=False)  # (kind, key) for the layer loader
    # (created_by, comment) per layer, bottom first; empty for a one-layer image, whose
    # row is the build's ``FROM ref``.
    history: tuple = ()

    def layers(self) -> tuple[Layer, ...]:
        """The frozen layers, bottom first, the same objects on every call in this process."""
        return _layers(self._source)

    def layer(self) -> Layer:
        """The one rootfs layer of a one-layer image (use ``layers()`` for the others)."""
        layers = self.layers()
        if len(layers) != 1:
            raise ValueError(f"{self.ref} has {len(layers)} layers: use layers()")
        return layers[0]


# Images stacked on debian:bookworm(-slim): kind -> the module that has, per key, the Debian tree
# it starts from (base), the rows of the layers above it (layer_parts), their history, and the
# image's config and note (spec).
STACKED = {"python": python_images, "node": node_images, "official": official_images}


@functools.cache
def _layers(source: tuple) -> tuple[Layer, ...]:
    kind, key = source
    if kind in STACKED:
        debian = _layers(("debian", STACKED[kind].base(key)))[0]
        parts = STACKED[kind].layer_parts(key)
        return (debian,) + tuple(layer_from_rows(rows, contents) for rows, contents in parts)
    return (_layer(source),)


def _layer(source: tuple) -> Layer:
    kind, key = source
    if kind == "debian":
        img = data_files.load(DEBIAN_DATA)["images"][key]
        return layer_from_rows(img["entries"], img["contents"])
    if kind == "approx":
        tree = _approx_tree(key)
        return layer_from_rows(tree["entries"], tree["contents"])
    if kind == "debian-release":
        code, variant = key
        img = data_files.load(DEBIAN_DATA)["images"][variant]
        rows, contents = _debian_release(img["entries"], img["contents"], f"debian:{code}")
        return layer_from_rows(rows, contents)
    if kind == "placeholder":
        tree = _placeholder_tree(key)
        return layer_from_rows(tree["entries"], tree["contents"])
    raise ValueError(source)


def debian_layer_history() -> tuple[str, str]:
    """bookworm-slim's row as the official images' ``docker history`` shows it (debuerreotype's)."""
    meta = data_files.load(DEBIAN_DATA)["meta"]
    return (f"# debian.sh --arch '{meta['architecture']}' out/ '{meta['suite']}' '@{meta['epoch']}'",
            f"debuerreotype {meta['debuerreotype']}")


# -- references ------------------------------------------------------------------------

# reference (name:tag) -> (distro, catalog key); several tags name the same image.
ALIASES: dict[str, tuple[str, str]] = {}
for _tag in ("latest", "bookworm", "12", "stable"):
    ALIASES[f"debian:{_tag}"] = ("debian", "bookworm")
for _tag in ("bookworm-slim", "12-slim", "stable-slim"):
    ALIASES[f"debian:{_tag}"] = ("debian", "bookworm-slim")
for _tag in ("latest", "24.04", "noble"):
    ALIASES[f"ubuntu:{_tag}"] = ("approx", "ubuntu-24.04")
for _tag in ("22.04", "jammy"):
    ALIASES[f"ubuntu:{_tag}"] = ("approx", "ubuntu-22.04")
for _tag in ("latest", "7", "centos7"):
    ALIASES[f"centos:{_tag}"] = ("approx", "centos-7")
for _tag in ("latest", "3.20", "3"):
    ALIASES[f"alpine:{_tag}"] = ("approx", "alpine-3.20")
ALIASES["alpine:3.19"] = ("approx", "alpine-3.19")
# Other Debian releases: bookworm's tree under the release's own os-release and sources
# (approximate: the files and sizes are bookworm's; apt checks names against the release).
for _code, _number in (("trixie", "13"), ("bullseye", "11")):
    for _tag in (_code, _number):
        ALIASES[f"debian:{_tag}"] = ("debian-release", (_code, "bookworm"))
        ALIASES[f"debian:{_tag}-slim"] = ("debian-release", (_code, "bookworm-slim"))
for _tag in ("latest", "1.36", "1", "musl", "glibc", "uclibc"):
    ALIASES[f"busybox:{_tag}"] = ("approx", "busybox-1.36")
for _key in python_images.keys():  # the official python:3.X-slim images (approximate)
    for _tag in python_images.tags(_key):
        ALIASES[f"python:{_tag}"] = ("python", _key)
for _key in node_images.keys():  # the official node:X-slim images (approximate)
    for _tag in node_images.tags(_key):
        ALIASES[f"node:{_tag}"] = ("node", _key)
for _key in official_images.keys():  # nginx... (approximate)
    for _ref in official_images.tags(_key):
        ALIASES[_ref] = ("official", _key)

LATEST_NOTES = {
    "debian:latest": "debian:latest has meant trixie (Debian 13) since August 2025; "
                     "this catalog has bookworm (Debian 12) data. ",
    "debian:stable": "debian:stable has meant trixie since August 2025; this catalog has bookworm. ",
    "centos:latest": "centos is deprecated on Docker Hub; the catalog uses centos:7. ",
}


def split_ref(ref: str) -> tuple[str, str]:
    """'docker.io/library/debian:12@sha256:...' -> ('debian', '12'); tag defaults to latest."""
    ref = ref.strip().split("@", 1)[0]
    for prefix in ("docker.io/library/", "index.docker.io/library/", "library/", "docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
    name, sep, tag = ref.rpartition(":")
    if not sep or "/" in tag:
        name, tag = ref, "latest"
    return name.lower(), tag


def base_image(ref: str) -> BaseImage | None:
    """The catalog's image for ``ref``, or None if the catalog does not know it."""
    name, tag = split_ref(ref)
    hit = ALIASES.get(f"{name}:{tag}")
    if hit is None:
        return None
    kind, key = hit
    extra = LATEST_NOTES.get(f"{name}:{tag}", "")
    if kind == "debian":
        return _debian_image(key, name, tag, extra)
    if kind == "debian-release":
        return _debian_release_image(key, name, tag)
    if kind in STACKED:
        return _stacked_image(kind, key, name, tag)
    return _approx_image(key, name, tag, extra)


def _debian_release_image(key: tuple, name: str, tag: str) -> BaseImage:
    code, variant = key
    img = data_files.load(DEBIAN_DATA)["images"][variant]
    rows, contents = _debian_release(img["entries"], img["contents"], f"debian:{code}")
    return BaseImage(
        ref=f"{name}:{tag}", name=name, tag=tag, distro="debian",
        pretty_name=os_release_field(contents.get("/usr/lib/os-release", ""), "PRETTY_NAME"),
        approximate=True, size=rows_size(rows),
        config={"Env": [DEFAULT_PATH], "Cmd": ["bash"]},
        note=(f"Debian {code} approximated: the tree of debian:{variant} (real bookworm data) with "
              f"{code}'s own /usr/lib/os-release, /etc/debian_version and apt sources; its files, "
              f"package versions and size are bookworm's, not {code}'s."),
        _source=("debian-release", key),
    )


def _debian_image(key: str, name: str, tag: str, extra: str) -> BaseImage:
    data = data_files.load(DEBIAN_DATA)
    img, meta = data["images"][key], data["meta"]
    return BaseImage(
        ref=f"{name}:{tag}", name=name, tag=tag, distro="debian",
        pretty_name=os_release_field(img["contents"].get("/usr/lib/os-release", ""), "PRETTY_NAME"),
        approximate=False, size=rows_size(img["entries"]),
        config={"Env": [DEFAULT_PATH], "Cmd": ["bash"]},
        note=extra + (
            f"Real Debian data: debootstrap --variant=minbase {meta['suite']} from {meta['mirror']} "
            f"finished with debuerreotype {meta['debuerreotype']}'s scripts as the official image is "
            f"({'slimify, ' if key.endswith('slim') else ''}tar excludes), generated {meta['generated'][:10]}."),
        _source=("debian", key),
    )


def _stacked_image(kind: str, key: str, name: str, tag: str) -> BaseImage:
    """An official image on debian:bookworm(-slim): that layer first, then the image's own."""
    module = STACKED[kind]
    spec = module.spec(key)
    parts = module.layer_parts(key)
    slim = data_files.load(DEBIAN_DATA)["images"][module.base(key)]
    return BaseImage(
        ref=f"{name}:{tag}", name=name, tag=tag, distro="debian",
        pretty_name="Debian GNU/Linux 12 (bookworm)", approximate=True,
        size=rows_size(slim["entries"]) + sum(rows_size(rows) for rows, _ in parts),
        config=spec["config"], note=spec["note"], _source=(kind, key),
        history=(debian_layer_history(), *module.history(key)),
    )


def _approx_image(key: str, name: str, tag: str, extra: str) -> BaseImage:
    spec = data_files.load(f"approx-{key}.json")
    tree = _approx_tree(key)
    return BaseImage(
        ref=f"{name}:{tag}", name=name, tag=tag, distro=spec["distro"],
        pretty_name=spec["pretty_name"], approximate=True, size=rows_size(tree["entries"]),
        config=spec["config"], note=extra + spec["note"], _source=("approx", key),
    )


def os_release_field(text: str, key: str) -> str:
    m = re.search(rf"^{key}=\"?([^\"\n]*)\"?$", text, re.M)
    return m.group(1) if m else ""


# -- hand-made trees -------------------------------------------------------------------
@functools.cache
def _approx_tree(key: str) -> dict:
    """Expand an approx-*.json spec into rows: listed entries, then the size balance.

    The spec lists the directories, links and files that matter for the course
    (with sizes close to the real ones) and ``balance``: the file that takes
    whatever bytes remain so that the tree's total equals the published size.
    """
    spec = data_files.load(f"approx-{key}.json")
    rows: list[list] = [["/", "d", 0o755, 0, 0, 0, None, 0]]
    seen = {"/"}

    def add_parents(path: str) -> None:
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/" + "/".join(parts[:i])
            if d not in seen:
                seen.add(d)
                rows.append([d, "d", 0o755, 0, 0, 0, None, 0])

    for d in spec.get("dirs", []):
        add_parents(d + "/x")
    for path, target in spec.get("symlinks", []):
        add_parents(path)
        seen.add(path)
        rows.append([path, "l", 0o777, 0, 0, 0, target, 0])
    contents = dict(spec.get("contents", {}))
    files = [list(f) for f in spec.get("files", [])]
    for path, text in contents.items():
        if not any(f[0] == path for f in files):
            files.append([path, len(text.encode()), 0o644])
    for path, size, *mode in files:
        add_parents(path)
        seen.add(path)
        rows.append([path, "f", mode[0] if mode else 0o644, 0, 0, size, None, 0])
    if spec.get("dpkg_status_from") == "debian-bookworm":
        # Ubuntu's status, approximated: Debian bookworm's base package names and versions.
        status = data_files.load(DEBIAN_DATA)["images"]["bookworm"]["contents"]["/var/lib/dpkg/status"]
        contents["/var/lib/dpkg/status"] = status
        add_parents("/var/lib/dpkg/status")
        rows.append(["/var/lib/dpkg/status", "f", 0o644, 0, 0, len(status.encode()), None, 0])
    # The balance files take the bytes the listed paths do not account for, by weight,
    # so that the tree's total is the published size.
    rest = spec["size"] - rows_size(rows)
    balance = spec.get("balance", [])
    weights = sum(w for _, w in balance)
    by_path = {r[0]: r for r in rows}
    for i, (path, weight) in enumerate(balance):
        share = rest * weight // weights if i < len(balance) - 1 else rest - sum(
            rest * w // weights for _, w in balance[:-1])
        if share <= 0:
            continue
        if path in by_path:
            by_path[path][5] += share
        else:
            add_parents(path)
            rows.append([path, "f", 0o644, 0, 0, share, None, 0])
    return {"entries": rows, "contents": contents}


# -- unknown references --------------------------------------------------------------
DISTRO_HINTS = [  # (pattern in name:tag, distro), first match wins
    (r"windows|nanoserver|servercore|ltsc20\d\d", "windows"),
    (r"alpine", "alpine"), (r"bookworm|bullseye|buster|trixie|stretch|jessie|-slim\b|debian", "debian"),
    (r"ubuntu|jammy|noble|focal|bionic|xenial", "ubuntu"),
    (r"centos|fedora|rhel|rocky|alma|ubi\d*|amazonlinux|oraclelinux", "centos"),
    (r"busybox", "busybox"),
]
# Official images that are Debian-based unless their tag says otherwise.
DEBIAN_BASED = {"python", "node", "golang", "ruby", "php", "openjdk", "eclipse-temurin", "rust",
                "perl", "gcc", "buildpack-deps", "nginx", "httpd", "postgres", "mysql", "redis",
                "mongo", "wordpress", "maven", "gradle", "haproxy", "memcached", "rabbitmq"}


def guess_distro(ref: str) -> str | None:
    """Best guess of the distribution an unknown image is built on, from its name and tag."""
    name, tag = split_ref(ref)
    text = f"{name}:{tag}"
    for pattern, distro in DISTRO_HINTS:
        if re.search(pattern, text):
            return distro
    if name.rsplit("/", 1)[-1] in DEBIAN_BASED:
        return "debian"
    return None


PLACEHOLDER_SIZE = 4 * 1024 * 1024


def placeholder_base(ref: str) -> BaseImage:
    """An image the catalog does not know: a small placeholder of the guessed distribution."""
    name, tag = split_ref(ref)
    distro = guess_distro(ref) or "debian"
    guessed = guess_distro(ref) is not None
    tree = _placeholder_tree((distro, f"{name}:{tag}"))
    config = {"Env": [DEFAULT_PATH], "Cmd": ["sh"]}
    if distro == "windows":
        # docker runs a Windows image's shell-form RUN with `cmd /S /C` unless SHELL says
        # otherwise; the image config carries it so that the build needs no special case.
        config = {"Env": [], "Cmd": ["c:\\windows\\system32\\cmd.exe"], "Shell": ["cmd", "/S", "/C"]}
    return BaseImage(
        ref=f"{name}:{tag}", name=name, tag=tag, distro=distro,
        pretty_name=f"{name}:{tag} (placeholder)", approximate=True,
        size=rows_size(tree["entries"]),
        config=config,
        note=(f"placeholder: the catalog does not know {name}:{tag}; this is a small stand-in "
              f"built on a minimal {distro} tree ({'guessed from the name' if guessed else 'no hint in the name: assumed'}), "
              "not the real image's files or size."),
        _source=("placeholder", (distro, f"{name}:{tag}")),
    )


MINIMAL_KEYS = {"debian": None, "ubuntu": "ubuntu-24.04", "centos": "centos-7",
                "alpine": "alpine-3.20", "busybox": "busybox-1.36"}
# What a placeholder keeps of its distribution's tree: enough for the package tool.
KEEP = re.compile(r"^/(etc/(os-release|passwd|group|shadow|hostname|apt(/.*)?|dpkg(/.*)?|apk(/.*)?"
                  r"|yum.*|debian_version|alpine-release|centos-release)|var/lib/(dpkg|apk|rpm|apt|yum)(/.*)?"
                  r"|usr/lib/os-release|bin|sbin|lib|lib64|usr|usr/(bin|sbin|lib)|var|var/lib|var/cache(/apt.*)?"
                  r"|var/log|tmp|root|home|etc|lib/apk(/.*)?|usr/bin/(sh|dash|bash|busybox|apt-get|apt|dpkg|yum|pip3?)"
                  r"|bin/(sh|busybox|bash)|sbin/apk|usr/local(/.*)?)$")


DEBIAN_CODENAMES = re.compile(r"\b(bullseye|bookworm|trixie)\b")


def _debian_release(rows: list, contents: dict, label: str) -> tuple[list, dict]:
    """The bookworm-slim tree, relabelled as the release the tag names (trixie, bullseye):
    that release's real /usr/lib/os-release and /etc/debian_version (from its base-files
    package, tools/build_package_names.py) and apt sources pointing at it, so that apt in
    later RUN lines checks names against the right release."""
    m = DEBIAN_CODENAMES.search(label.split(":", 1)[-1])
    index = debian_names(m.group(1)) if m else None
    if index is None or index.release == "bookworm" or not index.release_files:
        return rows, contents
    code = index.release
    contents = dict(contents)
    contents.update(index.release_files)
    sources = "/etc/apt/sources.list.d/debian.sources"
    if sources in contents:
        contents[sources] = contents[sources].replace("bookworm", code)
    rows = [r[:5] + [len(contents[r[0]].encode())] + r[6:] if r[0] in contents and r[1] == "f" else r
            for r in rows]
    return rows, contents


@functools.cache
def _placeholder_tree(key: tuple) -> dict:
    distro, label = key
    if distro == "debian":
        img = data_files.load(DEBIAN_DATA)["images"]["bookworm-slim"]
        rows, contents = _debian_release(img["entries"], img["contents"], label)
    elif distro == "windows":  # no POSIX tree at all: C:\Windows stands for the system
        rows = [["/", "d", 0o755, 0, 0, 0, None, 0], ["/Windows", "d", 0o755, 0, 0, 0, None, 0]]
        contents = {}
    else:
        tree = _approx_tree(MINIMAL_KEYS[distro])
        rows, contents = tree["entries"], tree["contents"]
    kept = [r for r in rows if KEEP.match(r[0]) or r[0] == "/" or distro == "windows"]
    contents = {p: t for p, t in contents.items() if any(r[0] == p for r in kept)}
    used = rows_size(kept)
    note = (f"This directory stands for the files of {label}, which the layerlab catalog does not know.\n")
    kept.append(["/PLACEHOLDER.txt", "f", 0o644, 0, 0, len(note), None, 0])
    contents["/PLACEHOLDER.txt"] = note
    if used < PLACEHOLDER_SIZE:
        kept.append(["/usr/lib/placeholder-image-files", "f", 0o644, 0, 0,
                     PLACEHOLDER_SIZE - used, None, 0])
    return {"entries": kept, "contents": contents}
