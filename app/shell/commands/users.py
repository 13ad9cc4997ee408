"""useradd, groupadd (shadow-utils), adduser/addgroup (Debian's and busybox's).

They edit /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow through the
union, so a RUN that adds a user carries full copies of those files in its
layer (copy-up): the classic "why is my user layer not empty" lesson.
The numbers follow each tool's defaults: useradd and Debian adduser give
normal users 1000 and up, useradd -r takes system ids from 999 down, Debian
adduser --system from 100 up. Password-change days use the union's logical
clock so builds stay reproducible.
"""

from __future__ import annotations

import posixpath

from app.engine import FSError

from ..context import Context, decode, encode
from .registry import register
from .common import Usage, command, parse_opts


class Accounts:
    """The account files of the tree, edited in memory and written back once."""

    FILES = ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow")

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.lines: dict[str, list[str]] = {}
        self.present: dict[str, bool] = {}
        self.changed: set[str] = set()
        for path in self.FILES:
            try:
                data = ctx.fs.read(path)
                self.present[path] = True
            except FSError:
                data = b""
                self.present[path] = False
            self.lines[path] = decode(data).splitlines()

    def rows(self, path: str) -> list[list[str]]:
        return [line.split(":") for line in self.lines[path] if line and not line.startswith("#")]

    def user(self, name: str) -> list[str] | None:
        return next((r for r in self.rows("/etc/passwd") if r[0] == name), None)

    def group(self, name: str) -> list[str] | None:
        return next((r for r in self.rows("/etc/group") if r[0] == name or
                     (name.isdigit() and len(r) > 2 and r[2] == name)), None)

    def uids(self) -> set[int]:
        return {int(r[2]) for r in self.rows("/etc/passwd") if len(r) > 2 and r[2].isdigit()}

    def gids(self) -> set[int]:
        return {int(r[2]) for r in self.rows("/etc/group") if len(r) > 2 and r[2].isdigit()}

    @staticmethod
    def next_id(used: set[int], system: bool, upward_system: bool = False) -> int:
        if system:
            rng = range(100, 1000) if upward_system else range(999, 99, -1)
            return next(i for i in rng if i not in used)
        normal = [i for i in used if 1000 <= i < 60000]
        return max(normal) + 1 if normal else 1000

    def append(self, path: str, line: str) -> None:
        if path in ("/etc/shadow", "/etc/gshadow") and not self.present[path]:
            return  # images without shadow files (busybox) get none
        self.lines[path].append(line)
        self.changed.add(path)

    def add_member(self, group: str, user: str) -> None:
        for path, idx in (("/etc/group", 3), ("/etc/gshadow", 3)):
            out = []
            for line in self.lines[path]:
                f = line.split(":")
                if f[0] == group and len(f) > idx:
                    members = [m for m in f[idx].split(",") if m]
                    if user not in members:
                        members.append(user)
                        f[idx] = ",".join(members)
                        self.changed.add(path)
                out.append(":".join(f))
            self.lines[path] = out

    def days(self) -> int:
        return self.ctx.fs.clock // 86400

    def save(self) -> None:
        for path in self.FILES:
            if path in self.changed:
                mode = 0o640 if "shadow" in path else 0o644
                self.ctx.fs.write(path, encode("\n".join(self.lines[path]) + "\n"), mode=mode)


def make_home(ctx: Context, home: str, uid: int, gid: int, mode: int, skel: bool = True) -> None:
    """Create the home directory and copy /etc/skel into it, owned by the user."""
    if ctx.stat(home) is not None:
        return
    parent = posixpath.dirname(home)
    if ctx.stat(parent) is None:
        ctx.fs.mkdir(parent, parents=True, mode=0o755)
    ctx.fs.mkdir(home, mode=mode)
    ctx.fs.chown(home, uid, gid)
    if not skel or ctx.stat("/etc/skel") is None:
        return
    for path, st in ctx.fs.walk("/etc/skel"):
        if path == "/etc/skel":
            continue
        dst = home + path[len("/etc/skel"):]
        if st.type == "dir":
            ctx.fs.mkdir(dst, mode=st.mode)
        elif st.type == "symlink":
            ctx.fs.symlink(st.target, dst)
        else:
            ctx.fs.write(dst, ctx.fs.read(path), mode=st.mode)
        ctx.fs.chown(dst, uid, gid, follow=False)


def _fail(ctx: Context, tool: str, message: str, status: int) -> int:
    ctx.err(f"{tool}: {message}\n")
    return status


@register("useradd")
@command
def useradd(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "mMrNUlou:g:G:s:d:c:p:k:e:f:b:K:", [
        "create-home", "no-create-home", "system", "no-user-group", "user-group", "no-log-init",
        "non-unique", "uid=", "gid=", "groups=", "shell=", "home-dir=", "comment=", "password=",
        "skel=", "expiredate=", "inactive=", "base-dir="], status=2)
    o = dict(opts)
    names = {k for k, _ in opts}
    if len(args) != 1:
        ctx.err("Usage: useradd [options] LOGIN\n")
        return 2
    name = args[0]
    acc = Accounts(ctx)
    if acc.user(name):
        return _fail(ctx, "useradd", f"user '{name}' already exists", 9)
    system = bool(names & {"-r", "--system"})
    uid_s = o.get("-u") or o.get("--uid")
    if uid_s is not None:
        if not uid_s.isdigit():
            return _fail(ctx, "useradd", f"invalid user ID '{uid_s}'", 3)
        uid = int(uid_s)
        if uid in acc.uids() and not names & {"-o", "--non-unique"}:
            return _fail(ctx, "useradd", f"UID {uid} is not unique", 4)
    else:
        uid = acc.next_id(acc.uids(), system)
    gspec = o.get("-g") or o.get("--gid")
    if gspec is not None:
        g = acc.group(gspec)
        if g is None:
            return _fail(ctx, "useradd", f"group '{gspec}' does not exist", 6)
        gid = int(g[2])
    elif names & {"-N", "--no-user-group"}:
        gid = 100
    else:
        if acc.group(name):
            return _fail(ctx, "useradd", f"group {name} exists - if you want to add this user "
                                         f"to that group, use -g.", 9)
        gid = uid if uid not in acc.gids() else acc.next_id(acc.gids(), system)
        acc.append("/etc/group", f"{name}:x:{gid}:")
        acc.append("/etc/gshadow", f"{name}:!::")
    extra = o.get("-G") or o.get("--groups")
    if extra:
        for g in extra.split(","):
            if acc.group(g) is None:
                return _fail(ctx, "useradd", f"group '{g}' does not exist", 6)
    home = o.get("-d") or o.get("--home-dir") or posixpath.join(
        o.get("-b") or o.get("--base-dir") or "/home", name)
    shell = o.get("-s") or o.get("--shell") or "/bin/sh"
    comment = o.get("-c") or o.get("--comment") or ""
    acc.append("/etc/passwd", f"{name}:x:{uid}:{gid}:{comment}:{home}:{shell}")
    password = o.get("-p") or o.get("--password") or "!"
    acc.append("/etc/shadow", f"{name}:{password}:{acc.days()}:0:99999:7:::")
    for g in (extra or "").split(","):
        if g:
            acc.add_member(acc.group(g)[0], name)
    acc.save()
    if names & {"-m", "--create-home"} and not names & {"-M", "--no-create-home"}:
        make_home(ctx, home, uid, gid, 0o755)
    return 0


@register("groupadd")
@command
def groupadd(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "rfog:K:p:", ["system", "force", "non-unique", "gid=",
                                              "password="], status=2)
    o = dict(opts)
    names = {k for k, _ in opts}
    if len(args) != 1:
        ctx.err("Usage: groupadd [options] GROUP\n")
        return 2
    name = args[0]
    acc = Accounts(ctx)
    if acc.group(name) and not name.isdigit():
        if names & {"-f", "--force"}:
            return 0
        return _fail(ctx, "groupadd", f"group '{name}' already exists", 9)
    gid_s = o.get("-g") or o.get("--gid")
    if gid_s is not None:
        gid = int(gid_s)
        if gid in acc.gids() and not names & {"-o", "--non-unique"}:
            if names & {"-f", "--force"}:
                gid = acc.next_id(acc.gids(), bool(names & {"-r", "--system"}))
            else:
                return _fail(ctx, "groupadd", f"GID '{gid}' already exists", 4)
    else:
        gid = acc.next_id(acc.gids(), bool(names & {"-r", "--system"}))
    acc.append("/etc/group", f"{name}:x:{gid}:")
    acc.append("/etc/gshadow", f"{name}:!::")
    acc.save()
    return 0


def _busybox_style(ctx: Context) -> bool:
    return ctx.shell.record.sh_dialect == "ash" or any(
        a.startswith("-") and not a.startswith("--") for a in ctx.argv[1:])


@register("adduser")
def adduser(ctx: Context) -> int:
    try:
        return _busybox_adduser(ctx) if _busybox_style(ctx) else _debian_adduser(ctx)
    except Usage as exc:
        ctx.err(f"adduser: {exc}\n")
        return 1


def _debian_adduser(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "", [
        "system", "group", "no-create-home", "disabled-password", "disabled-login", "quiet",
        "debug", "force-badname", "allow-badname", "home=", "shell=", "uid=", "gid=",
        "ingroup=", "gecos=", "comment=", "firstuid=", "lastuid=", "add-extra-groups",
        "conf=", "allow-all-names"])
    o = dict(opts)
    names = {k for k, _ in opts}
    acc = Accounts(ctx)
    if len(args) == 2:  # adduser USER GROUP: add an existing user to a group
        user, group = args
        if acc.user(user) is None:
            return _fail(ctx, "adduser", f"The user `{user}' does not exist.", 1)
        if acc.group(group) is None:
            return _fail(ctx, "adduser", f"The group `{group}' does not exist.", 1)
        acc.add_member(group, user)
        acc.save()
        return 0
    if len(args) != 1:
        return _fail(ctx, "adduser", "Only one or two names allowed.", 1)
    name = args[0]
    system = "--system" in names
    if acc.user(name):
        if system:
            return 0  # adduser --system is idempotent
        return _fail(ctx, "adduser", f"The user `{name}' already exists.", 1)
    uid = int(o["--uid"]) if "--uid" in o else acc.next_id(acc.uids(), system, upward_system=True)
    if "--ingroup" in o or "--gid" in o:
        g = acc.group(o.get("--ingroup") or o["--gid"])
        if g is None:
            return _fail(ctx, "adduser", f"The group `{o.get('--ingroup') or o['--gid']}' "
                                         f"does not exist.", 1)
        gid = int(g[2])
    elif system and "--group" not in names:
        gid = 65534  # nogroup
    else:
        gid = uid if uid not in acc.gids() else acc.next_id(acc.gids(), system, True)
        if acc.group(name) is None:
            acc.append("/etc/group", f"{name}:x:{gid}:")
            acc.append("/etc/gshadow", f"{name}:!::")
        else:
            gid = int(acc.group(name)[2])
    home = o.get("--home") or ("/nonexistent" if system else f"/home/{name}")
    shell = o.get("--shell") or ("/usr/sbin/nologin" if system else "/bin/bash")
    gecos = o.get("--gecos", o.get("--comment", "" if system else ","))
    acc.append("/etc/passwd", f"{name}:x:{uid}:{gid}:{gecos}:{home}:{shell}")
    acc.append("/etc/shadow", f"{name}:{'*' if system else '!'}:{acc.days()}:0:99999:7:::")
    acc.save()
    if "--no-create-home" not in names and home != "/nonexistent":
        make_home(ctx, home, uid, gid, 0o700 if not system else 0o755, skel=not system)
    return 0


def _busybox_adduser(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "h:g:s:G:SDHu:k:")
    o = dict(opts)
    names = {k for k, _ in opts}
    acc = Accounts(ctx)
    if len(args) == 2:
        user, group = args
        if acc.user(user) is None or acc.group(group) is None:
            return _fail(ctx, "adduser", f"unknown user {user}" if acc.user(user) is None
                         else f"unknown group {group}", 1)
        acc.add_member(group, user)
        acc.save()
        return 0
    if len(args) != 1:
        return _fail(ctx, "adduser", "usage: adduser [OPTIONS] USER [GROUP]", 1)
    name = args[0]
    if acc.user(name):
        return _fail(ctx, "adduser", f"user '{name}' in use", 1)
    system = "-S" in names
    uid = int(o["-u"]) if "-u" in o else acc.next_id(acc.uids(), system, upward_system=True)
    if "-G" in o:
        g = acc.group(o["-G"])
        if g is None:
            return _fail(ctx, "adduser", f"unknown group {o['-G']}", 1)
        gid = int(g[2])
    else:
        gid = uid if uid not in acc.gids() else acc.next_id(acc.gids(), system, True)
        acc.append("/etc/group", f"{name}:x:{gid}:")
    home = o.get("-h", f"/home/{name}")
    shell = o.get("-s", "/sbin/nologin" if system else "/bin/sh")
    acc.append("/etc/passwd", f"{name}:x:{uid}:{gid}:{o.get('-g', 'Linux User,,,')}:{home}:{shell}")
    acc.append("/etc/shadow", f"{name}:!:{acc.days()}:0:99999:7:::")
    acc.save()
    if "-H" not in names:
        make_home(ctx, home, uid, gid, 0o755)
    return 0


@register("addgroup")
def addgroup(ctx: Context) -> int:
    busybox = _busybox_style(ctx)
    try:
        opts, args = parse_opts(ctx, "g:S", ["system", "gid=", "quiet", "force-badname"])
    except Usage as exc:
        ctx.err(f"addgroup: {exc}\n")
        return 1
    o = dict(opts)
    names = {k for k, _ in opts}
    acc = Accounts(ctx)
    if len(args) == 2:
        user, group = args
        if acc.user(user) is None or acc.group(group) is None:
            return _fail(ctx, "addgroup", f"The user `{user}' does not exist." if
                         acc.user(user) is None else f"The group `{group}' does not exist.", 1)
        acc.add_member(group, user)
        acc.save()
        return 0
    if len(args) != 1:
        return _fail(ctx, "addgroup", "Only one or two names allowed.", 1)
    name = args[0]
    system = bool(names & {"-S", "--system"})
    if acc.group(name):
        if system:
            return 0
        return _fail(ctx, "addgroup", f"group '{name}' in use" if busybox
                     else f"The group `{name}' already exists.", 1)
    gid_s = o.get("-g") or o.get("--gid")
    gid = int(gid_s) if gid_s else acc.next_id(acc.gids(), system, upward_system=True)
    acc.append("/etc/group", f"{name}:x:{gid}:")
    acc.append("/etc/gshadow", f"{name}:!::")
    acc.save()
    return 0


@register("usermod")
@command
def usermod(ctx: Context) -> int:
    """``usermod -aG GROUPS``, ``-g``, ``-s``, ``-d [-m]``, ``-u``, ``-c``, ``-L``/``-U``."""
    opts, args = parse_opts(ctx, "aG:g:s:d:mu:c:LUl:o", [
        "append", "groups=", "gid=", "shell=", "home=", "move-home", "uid=", "comment=", "lock",
        "unlock", "login=", "non-unique"], status=2)
    o = dict(opts)
    names = {k for k, _ in opts}
    if len(args) != 1:
        ctx.err("Usage: usermod [options] LOGIN\n")
        return 2
    name = args[0]
    acc = Accounts(ctx)
    row = acc.user(name)
    if row is None:
        return _fail(ctx, "usermod", f"user '{name}' does not exist", 6)
    row = row + [""] * (7 - len(row))
    extra = o.get("-G") or o.get("--groups")
    if extra is not None:
        groups = [g for g in extra.split(",") if g]
        for g in groups:
            if acc.group(g) is None:
                return _fail(ctx, "usermod", f"group '{g}' does not exist", 6)
        if not names & {"-a", "--append"}:  # -G without -a replaces the supplementary groups
            for path in ("/etc/group", "/etc/gshadow"):
                out = []
                for line in acc.lines[path]:
                    f = line.split(":")
                    if len(f) > 3 and name in f[3].split(",") and f[0] not in groups:
                        f[3] = ",".join(m for m in f[3].split(",") if m != name)
                        acc.changed.add(path)
                    out.append(":".join(f))
                acc.lines[path] = out
        for g in groups:
            acc.add_member(acc.group(g)[0], name)
    gspec = o.get("-g") or o.get("--gid")
    if gspec is not None:
        g = acc.group(gspec)
        if g is None:
            return _fail(ctx, "usermod", f"group '{gspec}' does not exist", 6)
        row[3] = g[2]
    uid_s = o.get("-u") or o.get("--uid")
    if uid_s is not None:
        if int(uid_s) in acc.uids() - {int(row[2])} and not names & {"-o", "--non-unique"}:
            return _fail(ctx, "usermod", f"UID '{uid_s}' already exists", 4)
        row[2] = uid_s
    for flag, long_, idx in (("-s", "--shell", 6), ("-c", "--comment", 4)):
        value = o.get(flag) or o.get(long_)
        if value is not None:
            row[idx] = value
    old_home = row[5]
    home = o.get("-d") or o.get("--home")
    if home is not None:
        row[5] = home
    new_line = ":".join(row[:7])
    lines = [new_line if line.split(":")[0] == name else line for line in acc.lines["/etc/passwd"]]
    if lines != acc.lines["/etc/passwd"]:  # usermod rewrites only the files it changes
        acc.lines["/etc/passwd"] = lines
        acc.changed.add("/etc/passwd")
    if names & {"-L", "--lock", "-U", "--unlock"}:
        lock = bool(names & {"-L", "--lock"})
        out = []
        for line in acc.lines["/etc/shadow"]:
            f = line.split(":")
            if f[0] == name and len(f) > 1:
                f[1] = ("!" + f[1].lstrip("!")) if lock else (f[1][1:] if f[1].startswith("!") and len(f[1]) > 1 else f[1])
                acc.changed.add("/etc/shadow")
            out.append(":".join(f))
        acc.lines["/etc/shadow"] = out
    acc.save()
    if home is not None and names & {"-m", "--move-home"} and ctx.stat(old_home) is not None:
        ctx.fs.rename(old_home, home)
    return 0
