"""wget and curl without a network: the download "arrives" as a file whose
size is made up from the URL (deterministic, so builds are reproducible) and
whose contents are unknown (read as zeros), with a note saying so.

Why not fail: a RUN that downloads a tarball is the normal case in real
Dockerfiles; what matters for the lesson is that the bytes land in this layer.
A download piped into ``sh`` carries a marker so the shell can say it cannot
know what that script would have done.
"""

from __future__ import annotations

import hashlib
import posixpath
from urllib.parse import urlparse

from app.engine import File, FSError, Inode

from ..context import Context
from .registry import register
from .common import command, parse_opts

UNKNOWN_DOWNLOAD = "\x00layerlab:unknown-download\x00"
NOTE = ("no network in layerlab: the download is a placeholder of a plausible size made up from "
        "the URL; its contents are unknown")


def plausible_size(url: str) -> int:
    """8 KiB .. ~8 MiB, larger for archives, always the same for one URL."""
    h = int(hashlib.sha256(url.encode()).hexdigest()[:8], 16)
    path = urlparse(url).path
    if path.endswith((".tar.gz", ".tgz", ".tar.xz", ".zip", ".deb", ".tar.bz2", ".jar", ".whl")):
        return 1_000_000 + h % 7_000_000
    if path.endswith((".sh", ".txt", ".json", ".pem", ".asc", ".gpg", ".key", ".conf", ".py")):
        return 1_000 + h % 20_000
    return 8_192 + h % 500_000


def _store(ctx: Context, path: str, url: str, mode: int) -> None:
    ctx.fs.add_node(path, File(Inode(None, plausible_size(url), mode)),
                    bytes_written=plausible_size(url), note=NOTE)


def _download(ctx: Context, url: str, dest: str | None, tool: str) -> int:
    ctx.not_simulated(f"{tool} {url}", NOTE)
    if dest is None or dest == "-":
        ctx.out(UNKNOWN_DOWNLOAD + "\n")
        return 0
    path = ctx.path(dest)
    try:
        _store(ctx, path, url, 0o666 & ~ctx.shell.state.umask)
    except FSError as exc:  # recorded by ctx.fs
        if tool == "curl":
            ctx.err("curl: (23) Failure writing output to destination\n")
            return 23
        ctx.err(f"{dest}: {exc.explanation.split(':')[0]}\n")
        return 1
    return 0


@register("wget")
@command
def wget(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "O:qP:nc", ["output-document=", "quiet", "directory-prefix=",
                                           "no-verbose", "no-check-certificate", "progress=",
                                           "show-progress", "tries=", "timeout=", "header=",
                                           "no-clobber", "continue", "https-only"])
    o = dict(opts)
    if not args:
        ctx.err("wget: missing URL\n")
        return 1
    status = 0
    out = o.get("-O") or o.get("--output-document")
    prefix = o.get("-P") or o.get("--directory-prefix") or ""
    for url in args:
        dest = out
        if dest is None:
            name = posixpath.basename(urlparse(url).path) or "index.html"
            dest = posixpath.join(prefix, name) if prefix else name
            if prefix and ctx.stat(ctx.path(prefix)) is None:
                ctx.fs.mkdir(ctx.path(prefix), parents=True)
        status |= _download(ctx, url, dest, "wget")
    return status


@register("curl")
@command
def curl(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "o:OLfsSkIvX:H:d:u:A:e:m:C:#", [
        "output=", "remote-name", "location", "fail", "silent", "show-error", "insecure",
        "head", "verbose", "request=", "header=", "data=", "user=", "user-agent=", "retry=",
        "connect-timeout=", "max-time=", "proto=", "tlsv1.2", "create-dirs", "compressed",
        "remote-name-all", "output-dir=", "progress-bar", "retry-delay=", "http1.1"])
    o = dict(opts)
    names = {k for k, _ in opts}
    urls = [a for a in args]
    if not urls:
        ctx.err("curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more "
                "information\n")
        return 2
    outputs = [v for k, v in opts if k in ("-o", "--output")]
    status = 0
    for k, url in enumerate(urls):
        if k < len(outputs):
            dest = outputs[k]
        elif names & {"-O", "--remote-name", "--remote-name-all"}:
            dest = posixpath.basename(urlparse(url).path) or "index.html"
        else:
            dest = None
        if dest and "--output-dir" in o:
            dest = posixpath.join(o["--output-dir"], dest)
        if dest and "--create-dirs" in names:
            parent = posixpath.dirname(ctx.path(dest))
            if ctx.stat(parent) is None:
                ctx.fs.mkdir(parent, parents=True)
        status |= _download(ctx, url, dest, "curl")
    return status
