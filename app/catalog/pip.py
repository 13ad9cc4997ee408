"""pip from real package data: ``pip install``, ``-r requirements.txt``,
``python3 -m pip``, ``python3 -m venv DIR`` and the venv's own pip.

The files pip installs and their sizes come from the real wheels on PyPI
(data/pypi-cp311.json.gz, made by tools/build_pypi_catalog.py: each wheel's
RECORD, the .pyc files CPython 3.11 compiles from it, its dependencies and
console scripts). Versions are pinned to what that data holds. A package the
data lacks, or a version it does not have, installs as a flagged placeholder
(``ctx.not_simulated``): the layer is then not what pip would make, and
``layerlab check`` says so.

Where files land is where pip puts them: Debian's system Python refuses
(PEP 668, the very error pip prints from Debian's EXTERNALLY-MANAGED file)
unless ``--break-system-packages``, then /usr/local/lib/python3.11/dist-packages;
a venv's pip uses DIR/lib/python3.11/site-packages; ``--user`` ~/.local.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
from dataclasses import dataclass
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import data_files
from .package_files import PackageFiles
from .pip_project import install_editable, is_local, read_project

DATA = "pypi-cp311.json.gz"
# Wheels added later without re-resolving the main file (tools/build_pypi_extras.py): read
# after it, and never in place of a package it has.
EXTRA_DATA = "pypi-cp311-extra.json.gz"
PY = "3.11"
MANAGED = f"/usr/lib/python{PY}/EXTERNALLY-MANAGED"
PLACEHOLDER_SIZE = 100_000  # a stand-in package's bytes: a guess, and flagged as one
PYTHONS = ("python", "python3", f"python{PY}")
ROOT_WARNING = ("WARNING: Running pip as the 'root' user can result in broken permissions and conflicting "
                "behaviour with the system package manager. It is recommended to use a virtual environment "
                "instead: https://pip.pypa.io/warnings/venv\n")
# distlib's script template, which pip writes for each console script.
SCRIPT = ("#!{python}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {module} import {name}\n"
          "if __name__ == '__main__':\n"
          "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
          "    sys.exit({func}())\n")
VALUE_OPTIONS = {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
                 "-t", "--target", "--prefix", "--root", "--cache-dir", "-f", "--find-links",
                 "--trusted-host", "--progress-bar", "--timeout", "--retries"}


@functools.cache
def catalog() -> dict:
    """The main file, its ``packages`` joined by the extra file's (the main file's win)."""
    main = data_files.load(DATA)
    if not data_files.exists(EXTRA_DATA):
        return main
    return {**main, "packages": {**data_files.load(EXTRA_DATA)["packages"], **main["packages"]}}


@dataclass
class Scheme:
    """Where one pip puts things: site-packages, scripts, the interpreter its scripts name."""

    site: str
    bin: str
    python: str
    system: bool  # Debian's own Python: PEP 668 applies
    version: str = PY  # the X.Y of the Python this pip runs under
    warn_root: bool | None = None  # pip's root warning; None: when system

    def bytecode_path(self, path: str) -> str:
        """A wheel file's path under this Python (the data's .pyc and .so names are CPython 3.11's)."""
        tag = self.version.replace(".", "")
        return path if tag == "311" else path.replace("cpython-311", f"cpython-{tag}")

    def wheel_name(self, wheel: str) -> str:
        """The wheel pip picks for this Python (the data holds CPython 3.11's: cp311 -> cp312)."""
        tag = self.version.replace(".", "")
        return wheel.replace("-cp311-cp311-", f"-cp{tag}-cp{tag}-")


def _human(n: int) -> str:
    """pip's format_size."""
    if n > 1000 * 1000:
        return f"{n / 1000 / 1000:.1f} MB"
    if n > 10 * 1000:
        return f"{int(n / 1000)} kB"
    if n > 1000:
        return f"{n / 1000:.1f} kB"
    return f"{int(n)} bytes"


class PipTool:
    """pip, pip3, python3 -m pip and python3 -m venv on a Debian-like image."""

    commands = frozenset({"pip", "pip3", f"pip{PY}", *PYTHONS})

    def __init__(self, distro: str):
        self.distro = distro

    def run(self, argv: list[str], ctx: Any) -> int:
        ops = PackageFiles(ctx)
        prog = posixpath.basename(argv[0])
        if prog in PYTHONS:
            return self._python(argv, ctx, ops)
        if not _present(ops, argv[0]):
            ctx.err(f"sh: 1: {prog}: not found\n")
            return 127
        return self._pip(argv[0], argv[1:], ctx, ops)

    # -- python3 -m ... ----------------------------------------------------------------
    def _python(self, argv: list[str], ctx: Any, ops: PackageFiles) -> int:
        module = argv[2] if len(argv) > 2 and argv[1] == "-m" else None
        if module not in ("pip", "venv") or not _present(ops, argv[0]):
            ctx.not_simulated(" ".join(argv), f"`{posixpath.basename(argv[0])}` runs a Python program; "
                              "layerlab never evaluates code, so the layer shows only what the other "
                              "commands did")
            return 0
        if module == "pip":
            return self._pip(argv[0], argv[3:], ctx, ops, python=argv[0])
        if _official_python(ctx, ops):
            ctx.not_simulated(" ".join(argv), "layerlab simulates venvs of Debian's python3 only, "
                              "not of an official python image's /usr/local")
            return 0
        return make_venv(argv[3:], ctx, ops, argv[0])

    # -- pip -----------------------------------------------------------------------------
    def _pip(self, prog: str, args: list[str], ctx: Any, ops: PackageFiles, python: str | None = None) -> int:
        if not args or args[0] != "install":
            ctx.not_simulated(f"pip {' '.join(args[:1])}".strip(), "layerlab simulates only pip install")
            return 1 if not args else 0
        flags, values, specs = _parse(args[1:])
        scheme = _scheme(ctx, ops, prog, python, "--user" in flags)
        if scheme.system and "--break-system-packages" not in flags and ops.exists(MANAGED) \
                and not ctx.env.get("PIP_BREAK_SYSTEM_PACKAGES"):
            ctx.err(catalog()["externally_managed_error"])
            return 1
        for path in values.get("-r", []) + values.get("--requirement", []):
            text = ops.read_text(posixpath.join(ctx.cwd, path))
            if text is None:
                ctx.err(f"ERROR: Could not open requirements file: [Errno 2] No such file or "
                        f"directory: '{path}'\n")
                return 1
            specs += _requirement_lines(text)
        if not specs:
            ctx.err("ERROR: You must give at least one requirement to install (see \"pip help install\")\n")
            return 1
        cache = "--no-cache-dir" not in flags and not ctx.env.get("PIP_NO_CACHE_DIR")
        if any(is_local(s) for s in specs):
            return _install_projects(ctx, ops, scheme, specs, bool(flags & {"-e", "--editable"}), cache)
        return install(ctx, ops, scheme, specs, cache)


def _install_projects(ctx: Any, ops: PackageFiles, scheme: Scheme, specs: list[str], editable: bool,
                      cache: bool) -> int:
    """``pip install [-e] DIR``: the project's dependencies from the wheel data, then the project."""
    projects = []
    for spec in (s for s in specs if is_local(s)):
        project, error = read_project(ops, ctx.cwd, spec)
        if project is None:
            ctx.err(error)
            return 1
        ctx.out(f"Obtaining file://{project.root}\n" if editable else f"Processing {project.root}\n")
        projects.append(project)
    if not editable:
        for project in projects:
            ctx.not_simulated(f"pip install {project.root}", "layerlab simulates a project folder "
                              "installed with -e only: its own files are not in this layer")
    named = [s for s in specs if not is_local(s)]
    deps = [d for p in projects for d in p.dependencies]
    return install(ctx, ops, scheme, named + deps, cache, requested=len(named),
                   projects=tuple(projects) if editable else ())


def _present(ops: PackageFiles, prog: str) -> bool:
    if "/" in prog:
        return ops.exists(prog)
    return any(ops.exists(f"{d}/{prog}") for d in ("/usr/local/bin", "/usr/bin", "/bin"))


def _parse(args: list[str]) -> tuple[set[str], dict[str, list[str]], list[str]]:
    flags: set[str] = set()
    values: dict[str, list[str]] = {}
    specs: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        name, eq, value = a.partition("=")
        if a.startswith("-") and (name in VALUE_OPTIONS):
            if not eq:
                k += 1
                value = args[k] if k < len(args) else ""
            values.setdefault(name, []).append(value)
        elif a.startswith("-r") and len(a) > 2:
            values.setdefault("-r", []).append(a[2:])
        elif a.startswith("-"):
            flags.add(name)
        else:
            specs.append(a)
        k += 1
    return flags, values, specs


def _requirement_lines(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            out.append(line)
    return out


def _scheme(ctx: Any, ops: PackageFiles, prog: str, python: str | None, user: bool) -> Scheme:
    """Where this pip installs: a venv's, the user's, or the system's."""
    venv = None
    if "/" in (python or prog):
        root = posixpath.dirname(posixpath.dirname(python or prog))
        if ops.exists(f"{root}/pyvenv.cfg"):
            venv = root
    venv = venv or ctx.env.get("VIRTUAL_ENV")
    if venv:
        return Scheme(f"{venv}/lib/python{PY}/site-packages", f"{venv}/bin", f"{venv}/bin/python3", False)
    official = _official_python(ctx, ops)
    if official and user:
        return Scheme(f"/root/.local/lib/python{official}/site-packages", "/root/.local/bin",
                      "/usr/local/bin/python3", False, official, True)
    if official:  # docker-library's python image: CPython in /usr/local, no PEP 668 marker
        return Scheme(f"/usr/local/lib/python{official}/site-packages", "/usr/local/bin",
                      "/usr/local/bin/python3", False, official, True)
    if user:
        return Scheme(f"/root/.local/lib/python{PY}/site-packages", "/root/.local/bin", "/usr/bin/python3", True)
    return Scheme(f"/usr/local/lib/python{PY}/dist-packages", "/usr/local/bin", "/usr/bin/python3", True)


def _official_python(ctx: Any, ops: PackageFiles) -> str | None:
    """X.Y of an official python image's CPython (its ENV PYTHON_VERSION and /usr/local), or None."""
    version = ctx.env.get("PYTHON_VERSION", "")
    xy = ".".join(version.split(".")[:2])
    return xy if xy and ops.exists(f"/usr/local/bin/python{xy}") else None


# -- resolving -------------------------------------------------------------------------------
@dataclass
class Choice:
    name: str  # canonical
    version: str
    entry: dict | None  # None: a placeholder
    requested: bool
    why: str = ""


def resolve(specs: list[str], requested: int | None = None) -> tuple[list[Choice], str | None]:
    """The packages to install, dependencies first (pip's install order), or an error message.

    ``requested``: only the first N specs were named on the command line (the others are a
    project's dependencies: pip writes no REQUESTED file for them)."""
    packages = catalog()["packages"]
    chosen: dict[str, Choice] = {}
    order: list[Choice] = []

    def visit(text: str, requested: bool) -> str | None:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            return f"ERROR: Invalid requirement: '{text}'"
        name = canonicalize_name(req.name)
        if name in chosen:
            return None
        entry = packages.get(name)
        if entry is not None and not req.specifier.contains(entry["version"], prereleases=True):
            version = next((s.version for s in req.specifier if s.operator in ("==", "===")), "?")
            chosen[name] = Choice(name, version, None, requested,
                                  f"the catalog has {entry['name']} {entry['version']}, not {req.specifier}")
        elif entry is None:
            version = next((s.version for s in req.specifier if s.operator in ("==", "===")), "0")
            chosen[name] = Choice(name, version, None, requested, "not in the catalog's PyPI data")
        else:
            chosen[name] = Choice(name, entry["version"], entry, requested)
            deps = list(entry["requires"])
            for extra in req.extras:
                deps += entry["extras"].get(canonicalize_name(extra), [])
            for dep, spec, extras in deps:
                problem = visit(dep + (f"[{','.join(extras)}]" if extras else "") + spec, False)
                if problem:
                    return problem
        order.append(chosen[name])
        return None

    for k, spec in enumerate(specs):
        problem = visit(spec, requested is None or k < requested)
        if problem:
            return [], problem
    return order, None


# -- installing ------------------------------------------------------------------------------
def install(ctx: Any, ops: PackageFiles, scheme: Scheme, specs: list[str], cache: bool,
            requested: int | None = None, projects: tuple = ()) -> int:
    """``projects``: local projects installed after these (pip names them on the same lines)."""
    order, problem = resolve(specs, requested)
    if problem:
        ctx.err(problem + "\n")
        return 1
    todo = []
    for choice in order:
        if choice.requested:
            ctx.out(f"Collecting {choice.name}\n")
        if ops.exists(f"{scheme.site}/{_dist_info(choice)}"):
            ctx.out(f"Requirement already satisfied: {choice.name} in {scheme.site} ({choice.version})\n")
            continue
        size = choice.entry["wheel_size"] if choice.entry else PLACEHOLDER_SIZE
        wheel = scheme.wheel_name(choice.entry["wheel"]) if choice.entry else f"{choice.name}-{choice.version}.whl"
        ctx.out(f"  Downloading {wheel} ({_human(size)})\n")
        if cache:
            digest = hashlib.sha224(wheel.encode()).hexdigest()
            ops.add_sized(f"/root/.cache/pip/http/{'/'.join(digest[:5])}/{digest[5:]}", size)
        todo.append(choice)
    names = [c.name for c in todo] + [p.name for p in projects]
    if names:
        ctx.out(f"Installing collected packages: {', '.join(names)}\n")
    for choice in todo:
        _install_one(ctx, ops, scheme, choice)
    for project in projects:
        install_editable(ctx, ops, scheme, project, SCRIPT)
    if names:
        ctx.out("Successfully installed " + " ".join(f"{c.name}-{c.version}" for c in todo + list(projects))
                + "\n")
        if scheme.system if scheme.warn_root is None else scheme.warn_root:  # root outside a venv
            ctx.err(ROOT_WARNING)
    return 0


def _dist_info(choice: Choice) -> str:
    """The wheel's own .dist-info directory (``flask-3.1.3.dist-info``, whatever the case of its name)."""
    if choice.entry:
        for rel, _ in choice.entry["files"]:
            top = rel.split("/", 1)[0]
            if top.endswith(".dist-info"):
                return top
    name = choice.entry["name"] if choice.entry else choice.name
    return f"{name.replace('-', '_')}-{choice.version}.dist-info"


def _install_one(ctx: Any, ops: PackageFiles, scheme: Scheme, choice: Choice) -> None:
    info = _dist_info(choice)
    if choice.entry is None:
        ctx.not_simulated(f"pip install {choice.name}", f"{choice.why}: a placeholder of "
                          f"{PLACEHOLDER_SIZE} bytes stands in for its files")
        rows = [[f"{scheme.site}/{choice.name.replace('-', '_')}/__init__.py", "f", 0o644, 0, 0,
                 PLACEHOLDER_SIZE, None, 0], [f"{scheme.site}/{info}/METADATA", "f", 0o644, 0, 0, 0, None, 0]]
        ops.add_rows(rows, f"pip {choice.name} (placeholder)", make_parents=True)
        return
    entry = choice.entry
    prefix = posixpath.dirname(posixpath.dirname(posixpath.dirname(scheme.site)))
    rows = []
    for rel, size in entry["files"]:
        top, _, rest = rel.partition("/")
        if top.endswith(".data"):
            kind, _, rest = rest.partition("/")
            path = {"scripts": f"{scheme.bin}/{rest}", "purelib": f"{scheme.site}/{rest}",
                    "platlib": f"{scheme.site}/{rest}"}.get(kind, f"{prefix}/{rest}")
        else:
            path = f"{scheme.site}/{rel}"
        path = scheme.bytecode_path(path)
        mode = 0o755 if path.startswith(scheme.bin + "/") else 0o644
        rows.append([path, "f", mode, 0, 0, size, None, 0])
    ops.add_rows(rows, f"pip {entry['name']} {entry['version']} (files of its wheel)", make_parents=True)
    ops.write(f"{scheme.site}/{info}/INSTALLER", "pip\n")
    if choice.requested:
        ops.write(f"{scheme.site}/{info}/REQUESTED", "")
    for name, target in entry["scripts"].items():
        if name.startswith("pip3."):
            name = f"pip{scheme.version}"
        module, _, func = target.partition(":")
        func = func.split()[0] if func else ""
        ops.write(f"{scheme.bin}/{name}", SCRIPT.format(python=scheme.python, module=module,
                                                         name=func.split(".")[0], func=func), mode=0o755)


# -- python3 -m venv ---------------------------------------------------------------------------
# Sizes of CPython 3.11's activate templates (before the venv's path is filled in): an estimate.
ACTIVATE = {"activate": 1711, "activate.csh": 935, "activate.fish": 2215, "Activate.ps1": 9033}
ENSUREPIP = f"/usr/lib/python{PY}/ensurepip/__main__.py"
NO_ENSUREPIP = ("The virtual environment was not created successfully because ensurepip is not\n"
                "available.  On Debian/Ubuntu systems, you need to install the python3-venv\n"
                "package using the following command.\n\n    apt install python{py}-venv\n\n"
                "You may need to use sudo with that command.  After installing the python3-venv\n"
                "package, recreate your virtual environment.\n\nFailing command: {exe}\n")


def make_venv(args: list[str], ctx: Any, ops: PackageFiles, python: str) -> int:
    """What ``python3 -m venv DIR`` makes on Debian, then ensurepip's pip and setuptools."""
    dirs = [a for a in args if not a.startswith("-")]
    if not dirs:
        ctx.err("usage: venv [-h] [--system-site-packages] [--symlinks | --copies] [--clear]\n"
                "            [--upgrade] [--without-pip] [--prompt PROMPT] [--upgrade-deps]\n"
                "            ENV_DIR [ENV_DIR ...]\nvenv: error: the following arguments are required: ENV_DIR\n")
        return 2
    for target in dirs:
        root = posixpath.normpath(posixpath.join(ctx.cwd, target))
        ops.mkdirs(f"{root}/include")
        ops.mkdirs(f"{root}/lib/python{PY}/site-packages")
        ops.mkdirs(f"{root}/bin")
        ops.fs.symlink("lib", f"{root}/lib64")
        ops.write(f"{root}/pyvenv.cfg", f"home = /usr/bin\ninclude-system-site-packages = "
                  f"{'true' if '--system-site-packages' in args else 'false'}\nversion = {PY}.2\n"
                  f"executable = /usr/bin/python{PY}\ncommand = /usr/bin/python3 -m venv {root}\n")
        ops.fs.symlink(f"/usr/bin/python3", f"{root}/bin/python3")
        ops.fs.symlink("python3", f"{root}/bin/python")
        ops.fs.symlink("python3", f"{root}/bin/python{PY}")
        if "--without-pip" in args:
            continue
        if not ops.exists(ENSUREPIP):
            ctx.out(NO_ENSUREPIP.format(py=PY, exe=f"{root}/bin/python3"))
            return 1
        for name, size in ACTIVATE.items():
            ops.add_sized(f"{root}/bin/{name}", size)
        scheme = Scheme(f"{root}/lib/python{PY}/site-packages", f"{root}/bin", f"{root}/bin/python3", False)
        packages = catalog()["packages"]
        for name in ("setuptools", "pip"):  # ensurepip's order; their files from the real wheels
            _install_one(ctx, ops, scheme, Choice(name, packages[name]["version"], packages[name], True))
    return 0
