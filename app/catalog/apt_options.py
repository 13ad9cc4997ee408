"""apt-get's command line and its way of printing sizes and package lists."""

from __future__ import annotations

from dataclasses import dataclass, field


def apt_size(n: float) -> str:
    """apt's SizeToStr: '85.6 kB', '1,546 kB', '27.5 MB'."""
    units = ["B", "kB", "MB", "GB", "TB"]
    i = 0
    while n >= 10000 and i < len(units) - 1:
        n /= 1000
        i += 1
    if i == 0 or n >= 100:
        return f"{int(round(n)):,} {units[i]}"
    return f"{n:.1f} {units[i]}"


@dataclass
class Options:
    yes: bool = False
    quiet: int = 0
    recommends: bool = True
    auto_remove: bool = False
    purge: bool = False
    simulate: bool = False
    args: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)  # -o Key=Value
    update: bool = False  # install --update (apt >= 2.9): refresh the lists first


def parse_options(argv: list[str]) -> Options:
    o = Options()
    it = iter(argv)
    for a in it:
        if a in ("-y", "--yes", "--assume-yes"):
            o.yes = True
        elif a in ("-q", "--quiet"):
            o.quiet += 1
        elif a == "-qq":
            o.quiet += 2
        elif a.startswith("--quiet="):
            o.quiet = int(a.split("=", 1)[1] or 1)
        elif a == "--no-install-recommends":
            o.recommends = False
        elif a == "--install-recommends":
            o.recommends = True
        elif a in ("--auto-remove", "--autoremove"):
            o.auto_remove = True
        elif a == "--purge":
            o.purge = True
        elif a == "--update":
            o.update = True
        elif a in ("-s", "--simulate", "--dry-run", "--just-print", "--no-act"):
            o.simulate = True
        elif a in ("-o", "--option", "-c", "--config-file", "-t", "--target-release"):
            value = next(it, "")
            if a in ("-o", "--option"):
                o.settings.append(value)
                key, _, val = value.partition("=")
                if key.lower() == "apt::install-recommends":
                    o.recommends = val.lower() in ("1", "true", "yes")
                elif key.lower() == "apt::get::assume-yes":
                    o.yes = val.lower() in ("1", "true", "yes")
        elif a.startswith("--") or (a.startswith("-") and len(a) > 1):
            if a.startswith("-") and not a.startswith("--") and set(a[1:]) <= set("yqfmsuV"):
                o.yes = o.yes or "y" in a
                o.quiet += a.count("q")
                o.simulate = o.simulate or "s" in a
            else:
                o.unknown.append(a)  # --fix-missing, --no-install-suggests...: no effect here
        else:
            o.args.append(a)
    return o


def wrap(names: list[str]) -> str:
    """apt's indented, wrapped package list."""
    lines, cur = [], " "
    for n in names:
        if len(cur) + len(n) + 1 > 79:
            lines.append(cur)
            cur = " "
        cur += " " + n
    lines.append(cur)
    return "\n".join(lines) + "\n"
