"""``pip install -e DIR``: a project of the build context installed in development mode.

Why it is simulated rather than left out: it is how a Dockerfile installs the app
it copies (layerlab's own top-level Dockerfile does ``pip install -e .``), so the
venv layer holds the project's dependencies and a few small files of the project
itself. The dependencies come from ``[project].dependencies`` of the
pyproject.toml the image holds (read from the image, as pip reads it), and install
from the real wheel data as any ``pip install`` does (pip.py).

What the project adds is what pip 23 with setuptools' PEP 660 editable wheels
wrote in a real ``pip install --no-cache-dir -e .`` of layerlab (measured
2026-12-02, setuptools 84): in site-packages ``__editable__.NAME-VERSION.pth``
(text, exact), its finder module and that module's .pyc, NAME-VERSION.dist-info
(METADATA = the core metadata plus the README, exact when the README's bytes are
in the image; WHEEL, entry_points.txt, top_level.txt, direct_url.json, RECORD,
INSTALLER, REQUESTED); the console scripts in the venv's bin; and in the project
folder itself NAME.egg-info (PKG-INFO, SOURCES.txt, requires.txt...), which is why
projects list ``*.egg-info`` in .dockerignore. The finder's and RECORD's sizes
are the measured ones adjusted for the length of the project's path: an estimate,
within a few bytes. The build's own isolated environment (setuptools downloaded
into a temporary folder) leaves nothing in the layer.
"""

from __future__ import annotations

import posixpath
import tomllib
from dataclasses import dataclass, field
from typing import Any

from .package_files import PackageFiles

# Measured in the real install (project at /var/tmp/selfles5/ctx, 21 characters, named 6 times
# in the finder: its package and five data folders; RECORD names the project 0 times).
FINDER_SIZE, FINDER_PYC_SIZE, MEASURED_DIR = 3743, 5994, "/var/tmp/selfles5/ctx"
WHEEL_TEXT = "Wheel-Version: 1.0\nGenerator: setuptools (84.2.1)\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"


@dataclass
class Project:
    """The parts of a pyproject.toml an editable install uses."""

    root: str  # the project folder in the image
    name: str
    version: str
    dependencies: list[str]
    scripts: dict[str, str] = field(default_factory=dict)
    metadata: str = ""  # core metadata + README: METADATA and PKG-INFO
    requires: str = ""  # egg-info's requires.txt
    packages: list[str] = field(default_factory=list)  # top-level packages

    @property
    def stem(self) -> str:
        return f"{self.name.replace('-', '_')}-{self.version}"


def is_local(spec: str) -> bool:
    """A path (``.``, ``./app``, ``/src``) rather than a requirement."""
    return spec in (".", "..") or spec.startswith(("./", "../", "/"))


def read_project(ops: PackageFiles, cwd: str, spec: str) -> tuple[Project | None, str]:
    """The project at ``spec`` (relative to ``cwd``), or None and pip's error."""
    root = posixpath.normpath(posixpath.join(cwd, spec))
    text = ops.read_text(f"{root}/pyproject.toml")
    if text is None:
        return None, (f"ERROR: Directory '{spec}' is not installable. Neither 'setup.py' nor "
                      "'pyproject.toml' found.\n")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, f"ERROR: {root}/pyproject.toml: {exc}\n"
    meta = data.get("project", {})
    if "name" not in meta or "version" not in meta:
        return None, (f"ERROR: {spec}: layerlab simulates projects whose pyproject.toml names "
                      "[project] name and version\n")
    deps = [str(d) for d in meta.get("dependencies", [])]
    project = Project(root, meta["name"], str(meta["version"]), deps, dict(meta.get("scripts", {})))
    project.metadata = core_metadata(meta, deps, ops.read_text(f"{root}/{meta.get('readme', '')}")
                                     if isinstance(meta.get("readme"), str) else None)
    project.requires = "".join(d + "\n" for d in deps)
    found = data.get("tool", {}).get("setuptools", {}).get("packages", {}).get("find", {})
    patterns = [p.rstrip("*") for p in found.get("include", [])]
    project.packages = sorted(n for n in ops.listdir(root) if ops.exists(f"{root}/{n}/__init__.py")
                              and (not patterns or any(n.startswith(p) for p in patterns)))
    return project, ""


def core_metadata(meta: dict, deps: list[str], readme: str | None) -> str:
    """METADATA as setuptools writes it (the optional dependencies' lines left out)."""
    lines = ["Metadata-Version: 2.4", f"Name: {meta['name']}", f"Version: {meta['version']}"]
    if meta.get("description"):
        lines.append(f"Summary: {meta['description']}")
    if isinstance(meta.get("license"), dict) and "text" in meta["license"]:
        lines.append(f"License: {meta['license']['text']}")
    if meta.get("requires-python"):
        lines.append(f"Requires-Python: {meta['requires-python']}")
    if readme is not None:
        lines.append("Description-Content-Type: text/markdown")
    lines += [f"Requires-Dist: {d}" for d in deps]
    return "\n".join(lines) + "\n\n" + (readme or "")


def install_editable(ctx: Any, ops: PackageFiles, scheme: Any, project: Project, script: str) -> None:
    """The files an editable install adds (its dependencies are installed before, by pip.py)."""
    site, stem, root = scheme.site, project.stem, project.root
    grow = len(root) - len(MEASURED_DIR)
    finder = f"__editable___{stem.replace('-', '_').replace('.', '_')}_finder"
    pth = f"import {finder}; {finder}.install()"
    info = f"{site}/{stem}.dist-info"
    direct_url = f'{{"dir_info": {{"editable": true}}, "url": "file://{root}"}}'
    entry_points = "[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in project.scripts.items())
    top_level = "".join(p + "\n" for p in project.packages)
    texts = {f"{info}/METADATA": project.metadata, f"{info}/WHEEL": WHEEL_TEXT,
             f"{info}/entry_points.txt": entry_points, f"{info}/top_level.txt": top_level,
             f"{info}/direct_url.json": direct_url, f"{info}/INSTALLER": "pip\n", f"{info}/REQUESTED": "",
             f"{site}/__editable__.{stem}.pth": pth}
    for path, text in texts.items():
        ops.write(path, text)
    ops.add_sized(f"{site}/{finder}.py", FINDER_SIZE + 6 * grow)
    ops.add_sized(f"{site}/__pycache__/{finder}.cpython-311.pyc", FINDER_PYC_SIZE + 6 * grow)
    ops.add_sized(f"{info}/RECORD", 1003 + (len(stem) - len("layerlab-0.1.0")) * 4)
    for name, target in project.scripts.items():
        module, _, func = target.partition(":")
        ops.write(f"{scheme.bin}/{name}", script.format(python=scheme.python, module=module,
                                                       name=func.split(".")[0], func=func), mode=0o755)
    egg = f"{root}/{project.name.replace('-', '_')}.egg-info"
    ops.write(f"{egg}/PKG-INFO", project.metadata)
    ops.write(f"{egg}/SOURCES.txt", sources(ops, project, egg))
    ops.write(f"{egg}/dependency_links.txt", "\n")
    ops.write(f"{egg}/entry_points.txt", entry_points)
    ops.write(f"{egg}/requires.txt", project.requires)
    ops.write(f"{egg}/top_level.txt", top_level)


def sources(ops: PackageFiles, project: Project, egg: str) -> str:
    """SOURCES.txt: the README, pyproject.toml, every module of the packages, the egg-info's files."""
    names = ["README.md", "pyproject.toml"]
    stack = list(project.packages)
    modules = []
    while stack:
        rel = stack.pop()
        for entry in ops.listdir(f"{project.root}/{rel}"):
            path = f"{rel}/{entry}"
            if entry.endswith(".py"):
                modules.append(path)
            elif entry != "__pycache__" and ops.exists(f"{project.root}/{path}/__init__.py"):
                stack.append(path)
    base = posixpath.basename(egg)
    names += sorted(modules) + [f"{base}/{n}" for n in ("PKG-INFO", "SOURCES.txt", "dependency_links.txt",
                                                       "entry_points.txt", "requires.txt", "top_level.txt")]
    return "".join(n + "\n" for n in names)
