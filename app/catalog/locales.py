"""locale-gen, localedef and locale on Debian images: the compiled locale archive.

Why the catalog does this: /usr/lib/locale/locale-archive is what the
``locales`` package's locale-gen (or libc-bin's localedef) adds to a layer,
3 MB for one locale, and images such as postgres check the result with
``locale -a | grep en_US.utf8`` under ``set -e``. The sizes are measured
(2026-11-28, bookworm, locales 2.36-9+deb12u14, in a chroot of the catalog's
debian:bookworm tree): en_US.UTF-8 alone 3,048,928 bytes; with de_DE.UTF-8
3,407,104. Each further locale is counted at that second step (358,176
bytes), an approximation: fr_FR and ja_JP together added 1,076,784.

The archive is written with the names of the locales it holds at its start,
then NUL bytes up to its real size, so ``locale -a`` can read it back.
"""

from __future__ import annotations

import posixpath
from typing import Any

from .package_files import PackageFiles

ARCHIVE = "/usr/lib/locale/locale-archive"
HEADER = b"layerlab locale-archive (real size, contents not simulated):"
FIRST_LOCALE = 3_048_928
NEXT_LOCALE = 3_407_104 - 3_048_928
ALWAYS = ["C", "C.utf8", "POSIX"]


def normalize(name: str) -> str:
    """en_US.UTF-8 -> en_US.utf8, as glibc names archive entries."""
    base, dot, codeset = name.partition(".")
    if not dot:
        return name
    codeset, at, modifier = codeset.partition("@")
    codeset = codeset.lower().replace("-", "")
    return f"{base}.{codeset}" + (f"@{modifier}" if at else "")


def read_archive(ops: PackageFiles) -> list[str]:
    text = ops.read_text(ARCHIVE) or ""
    head = text.split("\0", 1)[0]
    if not head.startswith(HEADER.decode()):
        return []
    return head[len(HEADER):].split()


def write_archive(ops: PackageFiles, names: list[str]) -> None:
    if not names:
        ops.unlink(ARCHIVE)
        return
    size = FIRST_LOCALE + NEXT_LOCALE * (len(names) - 1)
    head = HEADER + (" " + " ".join(names)).encode()
    ops.unlink(ARCHIVE)  # locale-gen deletes the archive and builds a new one
    ops.write(ARCHIVE, head + b"\0" * (size - len(head)))


class LocaleTool:
    """The locale commands of Debian images (``locale-gen`` only once ``locales`` is installed)."""

    commands = frozenset({"locale-gen", "localedef", "locale"})

    def run(self, argv: list[str], ctx: Any) -> int:
        ops = PackageFiles(ctx)
        prog = posixpath.basename(argv[0])
        if prog == "locale-gen":
            if not ops.exists("/usr/sbin/locale-gen"):
                ctx.err("sh: 1: locale-gen: not found\n")
                return 127
            return self.locale_gen(ops, ctx, argv[1:])
        if prog == "localedef":
            return self.localedef(ops, ctx, argv[1:])
        return self.locale(ops, ctx, argv[1:])

    def locale_gen(self, ops: PackageFiles, ctx: Any, args: list[str]) -> int:
        wanted = []
        # The catalog has the size of the packaged /etc/locale.gen, not its text (all of it
        # commented-out examples): its unknown bytes read as NULs and select nothing.
        for line in (ops.read_text("/etc/locale.gen") or "").replace("\0", "").splitlines():
            words = line.split("#", 1)[0].split()
            if words:
                wanted.append(words[0])
        wanted += [a for a in args if not a.startswith("-")]
        ctx.out("Generating locales (this might take a while)...\n")
        for name in wanted:
            ctx.out(f"  {name}... done\n")
        ctx.out("Generation complete.\n")
        write_archive(ops, sorted({normalize(n) for n in wanted}))
        return 0

    def localedef(self, ops: PackageFiles, ctx: Any, args: list[str]) -> int:
        source, name, it = None, None, iter(args)
        for a in it:
            if a in ("-i", "--inputfile"):
                source = next(it, None)
            elif a in ("-f", "--charmap", "-A", "--alias-file", "--prefix"):
                next(it, None)
            elif a.startswith("--inputfile="):
                source = a.split("=", 1)[1]
            elif not a.startswith("-"):
                name = a
        if name is None:
            ctx.not_simulated(f"localedef {' '.join(args)}", "layerlab simulates localedef -i SRC -f CHARMAP NAME")
            return 0
        if source and not ops.exists(f"/usr/share/i18n/locales/{source}"):
            ctx.err(f"[error] cannot open locale definition file `{source}': No such file or directory\n")
            return 4
        write_archive(ops, sorted(set(read_archive(ops)) | {normalize(name)}))
        return 0

    def locale(self, ops: PackageFiles, ctx: Any, args: list[str]) -> int:
        if "-a" in args or "--all-locales" in args:
            ctx.out("".join(n + "\n" for n in sorted(set(ALWAYS) | set(read_archive(ops)))))
            return 0
        lang = ctx.env.get("LANG", "")
        all_ = ctx.env.get("LC_ALL", "")
        ctx.out(f"LANG={lang}\nLANGUAGE={ctx.env.get('LANGUAGE', '')}\n")
        for cat in ("LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES",
                    "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT",
                    "LC_IDENTIFICATION"):
            ctx.out(f"{cat}={ctx.env.get(cat) or all_ or lang or 'POSIX'}\n"
                    if ctx.env.get(cat) else f'{cat}="{all_ or lang or "POSIX"}"\n')
        ctx.out(f"LC_ALL={all_}\n")
        return 0
