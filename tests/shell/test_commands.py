"""Every simulated command, as a table: the RUN line, its exit status, and
exactly what it leaves in the new layer (the changeset) on top of the base
layer of conftest.py. Messages are checked where a student reads them.

A fifth field names the "not simulated" note the row must produce (a download,
an archive of unknown contents); a row without one must produce none.

Reading a row: ``/etc dir 755`` is the parent directory copied up (metadata
only); ``whiteout`` hides the path of the image below; ``opaque`` hides the
whole directory below.
"""

from __future__ import annotations

import pytest

from app.engine import File, Inode, UnionFS
from conftest import changeset, make_base_layer, sh, run

ETC = {"/etc": "dir 755"}
MOTD = "hello world\nsecond line\n"

CASES = [
    # -- touch / mkdir / rmdir ------------------------------------------------------------
    ("touch new file", "touch /new", 0, {"/new": "file 644 ''"}),
    ("touch lower file copies it up", "touch /etc/motd", 0,
     {**ETC, "/etc/motd": f"file 644 {MOTD!r}"}),
    ("touch -c missing creates nothing", "touch -c /nope", 0, {}),
    ("touch in missing dir", "touch /no/such", 1, {}),
    ("mkdir", "mkdir /data", 0, {"/data": "dir 755"}),
    ("mkdir -p", "mkdir -p /a/b/c", 0, {"/a": "dir 755", "/a/b": "dir 755", "/a/b/c": "dir 755"}),
    ("mkdir -m", "mkdir -m 700 /private", 0, {"/private": "dir 700"}),
    ("mkdir -p -m only the last", "mkdir -p -m 1777 /x/y", 0, {"/x": "dir 755", "/x/y": "dir 1777"}),
    ("mkdir existing fails", "mkdir /etc", 1, {}),
    ("mkdir -p existing is fine", "mkdir -p /etc /opt/lib", 0, {}),
    ("mkdir in a lower dir", "mkdir /etc/app.d", 0, {**ETC, "/etc/app.d": "dir 755"}),
    ("rmdir own dir", "mkdir /d && rmdir /d", 0, {}),
    ("rmdir lower empty dir", "rmdir /usr/local/bin", 0,
     {"/usr": "dir 755", "/usr/local": "dir 755", "/usr/local/bin": "whiteout"}),
    ("rmdir non-empty", "rmdir /opt/lib", 1, {}),
    # -- rm ---------------------------------------------------------------------------------
    ("rm lower file: whiteout", "rm /etc/motd", 0, {**ETC, "/etc/motd": "whiteout"}),
    ("rm own file: no whiteout", "touch /x && rm /x", 0, {}),
    ("rm missing", "rm /nope", 1, {}),
    ("rm -f missing", "rm -f /nope", 0, {}),
    ("rm dir without -r", "rm /opt/lib", 1, {}),
    ("rm -r lower dir: one whiteout", "rm -r /opt/lib", 0, {"/opt": "dir 755", "/opt/lib": "whiteout"}),
    ("rm -rf then mkdir: opaque", "rm -rf /opt/lib && mkdir /opt/lib", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755 opaque"}),
    ("rm -rf dir/* keeps the dir", "rm -rf /opt/lib/*", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755", "/opt/lib/a.so": "whiteout",
      "/opt/lib/current": "whiteout", "/opt/lib/sub": "whiteout"}),
    ("rm -rf / refuses", "rm -rf /", 1, {}),
    ("rm symlink, not its target", "rm /opt/lib/current", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755", "/opt/lib/current": "whiteout"}),
    ("rm then write: file replaces whiteout", "rm /etc/motd; echo hi > /etc/motd", 0,
     {**ETC, "/etc/motd": "file 644 'hi\\n'"}),
    # -- cp ---------------------------------------------------------------------------------
    ("cp file", "cp /etc/motd /tmp/m", 0, {"/tmp": "dir 1777", "/tmp/m": f"file 644 {MOTD!r}"}),
    ("cp into dir", "cp /etc/motd /srv", 0, {"/srv": "dir 755", "/srv/motd": f"file 644 {MOTD!r}"}),
    ("cp keeps mode minus umask", "cp /opt/lib/a.so /a.so", 0, {"/a.so": "file 755 'AAAA'"}),
    ("cp dir without -r", "cp /opt/lib /x", 1, {}),
    ("cp -r", "cp -r /opt/lib/sub /s", 0, {"/s": "dir 755", "/s/b.txt": "file 644 'bee\\n'"}),
    ("cp -a keeps symlinks and owners", "chown 33:33 /srv/www/index.html && cp -a /srv/www /w", 0,
     {"/srv": "dir 755", "/srv/www": "dir 755",
      "/srv/www/index.html": "file 644 33:33 '<h1>hi</h1>\\n'", "/w": "dir 755",
      "/w/index.html": "file 644 33:33 '<h1>hi</h1>\\n'"}),
    ("cp -R copies symlinks as symlinks", "cp -R /opt/lib /l", 0,
     {"/l": "dir 755", "/l/a.so": "file 755 'AAAA'", "/l/current": "symlink -> a.so",
      "/l/sub": "dir 755", "/l/sub/b.txt": "file 644 'bee\\n'"}),
    ("cp -p keeps mode", "chmod 600 /etc/motd && cp -p /etc/motd /m", 0,
     {**ETC, "/etc/motd": f"file 600 {MOTD!r}", "/m": f"file 600 {MOTD!r}"}),
    ("cp missing", "cp /nope /x", 1, {}),
    ("cp of unknown contents keeps the size", "cp /var/log/big.log /big", 0,
     {"/big": f"file 644 size={5 << 20}"}),
    # -- mv ---------------------------------------------------------------------------------
    ("mv lower file", "mv /etc/motd /etc/motd.old", 0,
     {**ETC, "/etc/motd": "whiteout", "/etc/motd.old": f"file 644 {MOTD!r}"}),
    ("mv own file", "echo x > /a && mv /a /b", 0, {"/b": "file 644 'x\\n'"}),
    ("mv lower dir: EXDEV, copy + delete", "mv /opt/lib /opt/lib2", 0,
     {"/opt": "dir 755", "/opt/lib": "whiteout", "/opt/lib2": "dir 755",
      "/opt/lib2/a.so": "file 755 'AAAA'", "/opt/lib2/current": "symlink -> a.so",
      "/opt/lib2/sub": "dir 755", "/opt/lib2/sub/b.txt": "file 644 'bee\\n'"}),
    ("mv own dir: renamed, opaque in a merged parent", "mkdir -p /d/e && mv /d /f", 0,
     {"/f": "dir 755 opaque", "/f/e": "dir 755"}),
    ("mv missing", "mv /nope /x", 1, {}),
    ("mv into dir", "mv /etc/motd /tmp/", 0,
     {**ETC, "/etc/motd": "whiteout", "/tmp": "dir 1777", "/tmp/motd": f"file 644 {MOTD!r}"}),
    # -- ln ---------------------------------------------------------------------------------
    ("ln -s", "ln -s /etc/motd /m", 0, {"/m": "symlink -> /etc/motd"}),
    ("ln -s existing fails", "ln -s /x /etc/motd", 1, {}),
    ("ln -sf replaces", "ln -sf /dev/stdout /var/log/big.log", 0,
     {"/var": "dir 755", "/var/log": "dir 755", "/var/log/big.log": "symlink -> /dev/stdout"}),
    ("ln -s into dir", "ln -s /etc/motd /tmp", 0, {"/tmp": "dir 1777", "/tmp/motd": "symlink -> /etc/motd"}),
    ("ln hard link copies up the source", "ln /etc/app.conf /app.conf", 0,
     {**ETC, "/etc/app.conf": "file 644 'port=80\\nhost=localhost\\n'",
      "/app.conf": "file 644 'port=80\\nhost=localhost\\n'"}),
    ("ln missing source", "ln /nope /x", 1, {}),
    # -- chmod / chown ------------------------------------------------------------------------
    ("chmod octal", "chmod 600 /etc/shadow", 0, {**ETC, "/etc/shadow": "file 600 0:42 "
                                                 "'root:*:19000:0:99999:7:::\\nwww-data:*:19000:0:99999:7:::\\n'"}),
    ("chmod symbolic", "chmod u+x,go-r /etc/motd", 0, {**ETC, "/etc/motd": f"file 700 {MOTD!r}"}),
    ("chmod +x honours umask", "touch /s && chmod +x /s", 0, {"/s": "file 755 ''"}),
    ("chmod a=r", "touch /s && chmod a=r /s", 0, {"/s": "file 444 ''"}),
    ("chmod -x is a mode", "chmod -x /opt/lib/a.so", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755", "/opt/lib/a.so": "file 644 'AAAA'"}),
    ("chmod -R copies the whole tree up", "chmod -R g+w /opt/lib/sub", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755", "/opt/lib/sub": "dir 775",
      "/opt/lib/sub/b.txt": "file 664 'bee\\n'"}),
    ("chmod follows a symlink", "chmod 700 /opt/lib/current", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755", "/opt/lib/a.so": "file 700 'AAAA'"}),
    ("chmod missing", "chmod 600 /nope", 1, {}),
    ("chmod bad mode", "chmod 9z /etc/motd", 1, {}),
    ("chown user:group by name", "chown www-data:staff /etc/motd", 0,
     {**ETC, "/etc/motd": f"file 644 33:50 {MOTD!r}"}),
    ("chown numeric", "touch /f && chown 1000:1000 /f", 0, {"/f": "file 644 1000:1000 ''"}),
    ("chown :group", "touch /f && chown :staff /f", 0, {"/f": "file 644 0:50 ''"}),
    ("chown -R", "chown -R www-data /srv/www", 0,
     {"/srv": "dir 755", "/srv/www": "dir 755 33:0", "/srv/www/index.html": "file 644 33:0 '<h1>hi</h1>\\n'"}),
    ("chown unknown user", "chown nobody /etc/motd", 1, {}),
    ("chgrp", "chgrp staff /etc/motd", 0, {**ETC, "/etc/motd": f"file 644 0:50 {MOTD!r}"}),
    # -- install / truncate / mktemp ----------------------------------------------------------
    ("install -d -m", "install -d -m 750 /srv/data", 0, {"/srv": "dir 755", "/srv/data": "dir 750"}),
    ("install file default 755", "install /etc/motd /usr/local/bin/motd", 0,
     {"/usr": "dir 755", "/usr/local": "dir 755", "/usr/local/bin": "dir 755",
      "/usr/local/bin/motd": f"file 755 {MOTD!r}"}),
    ("install -m -o -g", "install -m 640 -o www-data -g staff /etc/motd /m", 0,
     {"/m": f"file 640 33:50 {MOTD!r}"}),
    ("install -D makes parents", "install -D -m 644 /etc/motd /a/b/m", 0,
     {"/a": "dir 755", "/a/b": "dir 755", "/a/b/m": f"file 644 {MOTD!r}"}),
    ("truncate -s 0 copies up empty", "truncate -s 0 /etc/motd", 0, {**ETC, "/etc/motd": "file 644 ''"}),
    ("truncate creates", "truncate -s 4 /t", 0, {"/t": "file 644 '\\x00\\x00\\x00\\x00'"}),
    ("truncate -s big: size only", "truncate -s 10M /big", 0, {"/big": f"file 644 size={10 << 20}"}),
    # -- dd / fallocate / head -c of a device: files of the size the real tools make ------------
    ("dd 50 MiB of zeros: size only", "dd if=/dev/zero of=/big bs=1M count=50", 0,
     {"/big": f"file 644 size={50 << 20}"}),
    ("dd then rm of its own file: nothing left", "dd if=/dev/zero of=/big bs=1M count=50 && rm /big", 0, {}),
    ("dd small keeps the zeros", "dd if=/dev/zero of=/z bs=4 count=1 status=none", 0,
     {"/z": "file 644 '\\x00\\x00\\x00\\x00'"}),
    ("dd seek= leaves a hole before", "dd if=/dev/zero of=/s bs=1M seek=10 count=1 status=none", 0,
     {"/s": f"file 644 size={11 << 20}"}),
    ("dd urandom: the size", "dd if=/dev/urandom of=/r bs=1M count=3 status=none", 0,
     {"/r": f"file 644 size={3 << 20}"}),
    ("dd of a file: skip and count", "dd if=/etc/motd of=/m bs=5 count=1 skip=1 status=none", 0,
     {"/m": "file 644 ' worl'"}),
    ("dd conv=notrunc keeps the rest", "dd if=/etc/app.conf of=/etc/motd bs=4 count=1 conv=notrunc status=none",
     0, {**ETC, "/etc/motd": f"file 644 {'port' + MOTD[4:]!r}"}),
    ("dd of a size-only file", "dd if=/var/log/big.log of=/copy bs=1M count=2 status=none", 0,
     {"/copy": f"file 644 size={2 << 20}"}),
    ("dd without count of a device", "dd if=/dev/zero of=/big bs=1M", 1, {}, "dd"),
    ("dd bad operand", "dd if=/dev/zero of=/f bs=1M count=1 colour=red", 1, {}),
    ("dd missing input", "dd if=/nope of=/f", 1, {}),
    ("fallocate -l 50M", "fallocate -l 50M /f", 0, {"/f": f"file 644 size={50 << 20}"}),
    ("fallocate small is zeros", "fallocate -l 3 /f", 0, {"/f": "file 644 '\\x00\\x00\\x00'"}),
    ("fallocate -n keeps the size", "fallocate -n -l 10M /etc/motd", 0, {**ETC, "/etc/motd": f"file 644 {MOTD!r}"}),
    ("fallocate without -l", "fallocate /f", 1, {}),
    ("head -c 50M /dev/zero > f", "head -c 50M /dev/zero > /f", 0, {"/f": f"file 644 size={50 << 20}"}),
    ("head -c small of /dev/zero", "head -c 2 /dev/zero > /f", 0, {"/f": "file 644 '\\x00\\x00'"}),
    ("head --bytes= of urandom", "head --bytes=2M /dev/urandom > /f", 0, {"/f": f"file 644 size={2 << 20}"}),
    ("mktemp", "mktemp", 0, {"/tmp": "dir 1777", "/tmp/tmp.*": "file 600 ''"}),
    ("mktemp -d", "mktemp -d", 0, {"/tmp": "dir 1777", "/tmp/tmp.*": "dir 700"}),
    # -- writing text --------------------------------------------------------------------------
    ("echo > new", "echo hello > /f", 0, {"/f": "file 644 'hello\\n'"}),
    ("echo >> lower file: copy-up + append", "echo more >> /etc/motd", 0,
     {**ETC, "/etc/motd": f"file 644 {MOTD + 'more' + chr(10)!r}"}),
    ("> lower file truncates", ": > /etc/motd", 0, {**ETC, "/etc/motd": "file 644 ''"}),
    ("echo -n", "echo -n x > /f", 0, {"/f": "file 644 'x'"}),
    ("dash echo interprets backslashes", "echo 'a\\tb' > /f", 0, {"/f": "file 644 'a\\tb\\n'"}),
    ("dash echo has no -e", "echo -e x > /f", 0, {"/f": "file 644 '-e x\\n'"}),
    ("bash echo -e", "bash -c \"echo -e 'a\\\\tb' > /f\"", 0, {"/f": "file 644 'a\\tb\\n'"}),
    ("printf", "printf '%s=%d\\n' a 1 b 2 > /f", 0, {"/f": "file 644 'a=1\\nb=2\\n'"}),
    ("printf padding", "printf '[%5s][%-3s][%03d][%x]' ab c 7 255 > /f", 0,
     {"/f": "file 644 '[   ab][c  ][007][ff]'"}),
    ("printf octal escapes are bytes", "printf '\\177ELF\\0\\377' > /f && wc -c < /f > /n", 0,
     {"/f": "file 644 '\\x7fELF\\x00\\\\xff'", "/n": "file 644 '6\\n'"}),
    ("cat > copy", "cat /etc/motd /etc/app.conf > /f", 0,
     {"/f": f"file 644 {MOTD + 'port=80' + chr(10) + 'host=localhost' + chr(10)!r}"}),
    ("cat missing", "cat /nope > /f", 1, {"/f": "file 644 ''"}),
    ("tee", "echo x | tee /a /b > /dev/null", 0, {"/a": "file 644 'x\\n'", "/b": "file 644 'x\\n'"}),
    ("tee -a lower", "echo x | tee -a /etc/motd", 0, {**ETC, "/etc/motd": f"file 644 {MOTD + 'x' + chr(10)!r}"}),
    ("here-doc", "cat <<EOF > /f\nhome=$HOME\nEOF", 0, {"/f": "file 644 'home=/root\\n'"}),
    ("quoted here-doc", "cat <<'EOF' > /f\nhome=$HOME\nEOF", 0, {"/f": "file 644 'home=$HOME\\n'"}),
    ("here-doc <<- strips tabs", "cat <<-EOF > /f\n\tx\n\tEOF", 0, {"/f": "file 644 'x\\n'"}),
    ("2>&1 into a file", "ls /nope > /f 2>&1", 2,
     {"/f": "file 644 \"ls: cannot access '/nope': No such file or directory\\n\""}),
    ("2>/dev/null", "rm /nope 2>/dev/null", 1, {}),
    ("< input", "tr a-z A-Z < /etc/app.conf > /f", 0, {"/f": "file 644 'PORT=80\\nHOST=LOCALHOST\\n'"}),
    ("redirect into missing dir", "echo x > /no/f", 2, {}),
    # -- sed -----------------------------------------------------------------------------------
    ("sed -i s///", "sed -i 's/80/8080/' /etc/app.conf", 0,
     {**ETC, "/etc/app.conf": "file 644 'port=8080\\nhost=localhost\\n'"}),
    ("sed -i g flag", "echo aaa > /f && sed -i 's/a/b/g' /f", 0, {"/f": "file 644 'bbb\\n'"}),
    ("sed -i other delimiter", "sed -i 's|localhost|0.0.0.0|' /etc/app.conf", 0,
     {**ETC, "/etc/app.conf": "file 644 'port=80\\nhost=0.0.0.0\\n'"}),
    ("sed -i -e -e", "sed -i -e 's/port/PORT/' -e 's/host/HOST/' /etc/app.conf", 0,
     {**ETC, "/etc/app.conf": "file 644 'PORT=80\\nHOST=localhost\\n'"}),
    ("sed -i no match still rewrites", "sed -i 's/zzz/y/' /etc/motd", 0,
     {**ETC, "/etc/motd": f"file 644 {MOTD!r}"}),
    ("sed -i address + d", "sed -i '/^host/d' /etc/app.conf", 0, {**ETC, "/etc/app.conf": "file 644 'port=80\\n'"}),
    ("sed -i line address", "sed -i '1s/^/# /' /etc/app.conf", 0,
     {**ETC, "/etc/app.conf": "file 644 '# port=80\\nhost=localhost\\n'"}),
    ("sed -i groups and &", "sed -i -E 's/(port)=([0-9]+)/\\2:\\1 [&]/' /etc/app.conf", 0,
     {**ETC, "/etc/app.conf": "file 644 '80:port [port=80]\\nhost=localhost\\n'"}),
    ("sed -n p to stdout", "sed -n '2p' /etc/motd > /f", 0, {"/f": "file 644 'second line\\n'"}),
    ("sed -i missing file", "sed -i s/a/b/ /nope", 2, {}),
    # -- pipes of small tools ------------------------------------------------------------------
    ("grep | wc -l", "grep -c o /etc/motd > /f", 0, {"/f": "file 644 '2\\n'"}),
    ("grep no match", "grep zzz /etc/motd", 1, {}),
    ("grep -v -E", "grep -vE '^(port)' /etc/app.conf > /f", 0, {"/f": "file 644 'host=localhost\\n'"}),
    ("head tail", "head -n 1 /etc/motd > /a; tail -1 /etc/motd > /b", 0,
     {"/a": "file 644 'hello world\\n'", "/b": "file 644 'second line\\n'"}),
    ("sort uniq", "printf 'b\\na\\nb\\n' | sort | uniq > /f", 0, {"/f": "file 644 'a\\nb\\n'"}),
    ("sort -rn", "printf '2\\n10\\n1\\n' | sort -rn > /f", 0, {"/f": "file 644 '10\\n2\\n1\\n'"}),
    ("wc -l < file", "wc -l < /etc/motd > /f", 0, {"/f": "file 644 '2\\n'"}),
    ("wc -c file", "wc -c /etc/motd > /f", 0, {"/f": "file 644 '24 /etc/motd\\n'"}),
    ("cut", "cut -d= -f2 /etc/app.conf > /f", 0, {"/f": "file 644 '80\\nlocalhost\\n'"}),
    ("basename dirname", "basename /a/b.txt .txt > /f; dirname /a/b.txt >> /f", 0,
     {"/f": "file 644 'b\\n/a\\n'"}),
    ("ls", "ls /opt/lib > /f", 0, {"/f": "file 644 'a.so\\ncurrent\\nsub\\n'"}),
    ("ls missing", "ls /nope", 2, {}),
    # -- which / command -v ------------------------------------------------------------------
    ("which finds in PATH of the tree", "which python3 > /f", 0, {"/f": "file 644 '/usr/bin/python3\\n'"}),
    ("which missing", "which gcc", 1, {}),
    ("command -v", "command -v python3 > /f; command -v cd >> /f", 0,
     {"/f": "file 644 '/usr/bin/python3\\ncd\\n'"}),
    # -- users and groups ------------------------------------------------------------------------
    ("groupadd", "groupadd app", 0,
     {**ETC, "/etc/group": "file 644 'root:x:0:\\nwww-data:x:33:\\nusers:x:100:\\nstaff:x:50:\\napp:x:1000:\\n'",
      "/etc/gshadow": "file 640 0:42 'root:*::\\nwww-data:*::\\nusers:*::\\nstaff:*::\\napp:!::\\n'"}),
    ("groupadd -r", "groupadd -r svc && grep svc /etc/group > /f", 0, None),
    ("groupadd existing", "groupadd staff", 9, {}),
    ("useradd -m", "useradd -m app", 0,
     {**ETC,
      "/etc/passwd": "file 644 'root:x:0:0:root:/root:/bin/bash\\nwww-data:x:33:33:www-data:"
                     "/var/www:/usr/sbin/nologin\\napp:x:1000:1000::/home/app:/bin/sh\\n'",
      "/etc/group": "file 644 'root:x:0:\\nwww-data:x:33:\\nusers:x:100:\\nstaff:x:50:\\napp:x:1000:\\n'",
      "/etc/shadow": "file 640 0:42 'root:*:19000:0:99999:7:::\\nwww-data:*:19000:0:99999:7:::\\n"
                     "app:!:0:0:99999:7:::\\n'",
      "/etc/gshadow": "file 640 0:42 'root:*::\\nwww-data:*::\\nusers:*::\\nstaff:*::\\napp:!::\\n'",
      "/home": "dir 755", "/home/app": "dir 755 1000:1000",
      "/home/app/.bashrc": "file 644 1000:1000 '# ~/.bashrc\\n'"}),
    ("useradd existing", "useradd www-data", 9, {}),
    ("useradd -r -s -G", "useradd -r -s /bin/false -G staff svc", 0, None),
    ("adduser --system --group", "adduser --system --group --no-create-home svc", 0, None),
    ("adduser (busybox style)", "adduser -D -H app", 0, None),
    ("addgroup", "addgroup --system svc", 0, None),
    ("usermod -aG", "usermod -aG staff,users www-data", 0,
     {**ETC, "/etc/group": "file 644 'root:x:0:\\nwww-data:x:33:\\nusers:x:100:www-data\\nstaff:x:50:www-data\\n'",
      "/etc/gshadow": "file 640 0:42 'root:*::\\nwww-data:*::\\nusers:*::www-data\\nstaff:*::www-data\\n'"}),
    ("usermod -s -u", "usermod -s /bin/bash -u 1033 www-data && grep www /etc/passwd > /f", 0, None),
    ("usermod unknown user", "usermod -s /bin/sh nobody", 6, {}),
    # -- downloads and archives ---------------------------------------------------------------
    ("wget -O: placeholder of plausible size", "wget -q -O /tmp/app.tgz https://example.com/app.tgz", 0,
     {"/tmp": "dir 1777", "/tmp/app.tgz": "file 644 size=*"}, "no network in layerlab"),
    ("curl -o", "curl -fsSL -o /opt/x.sh https://example.com/x.sh", 0,
     {"/opt": "dir 755", "/opt/x.sh": "file 644 size=*"}, "no network in layerlab"),
    ("curl -O into cwd", "cd /tmp && curl -sO https://example.com/a/b.json", 0,
     {"/tmp": "dir 1777", "/tmp/b.json": "file 644 size=*"}, "no network in layerlab"),
    ("tar -x extracts nothing", "tar -xf /var/log/big.log -C /opt", 0, {}, "nothing was extracted"),
    ("tar -x missing archive", "tar -xzf /nope.tgz", 2, {}),
    ("tar -c", "tar -cf /etc.tar /etc", 0, {"/etc.tar": "file 644 size=*"}),
    # -- shells ----------------------------------------------------------------------------------
    ("sh -c", "sh -c 'echo $0 $1 > /f' me arg", 0, {"/f": "file 644 'me arg\\n'"}),
    ("bash -c", "bash -c 'echo ${#HOME} > /f'", 0, {"/f": "file 644 '5\\n'"}),
    ("sh script from the tree", "printf 'touch /made\\n' > /s.sh && sh /s.sh", 0,
     {"/s.sh": "file 644 'touch /made\\n'", "/made": "file 644 ''"}),
    ("./script with shebang", "printf '#!/bin/sh\\necho $1 > /out\\n' > /s && chmod +x /s && /s hi", 0,
     {"/s": "file 755 '#!/bin/sh\\necho $1 > /out\\n'", "/out": "file 644 'hi\\n'"}),
    ("echo | sh runs the piped script", "echo 'touch /piped' | sh", 0, {"/piped": "file 644 ''"}),
    ("true / false / :", "true && : && false", 1, {}),
    # -- find / xargs ----------------------------------------------------------------------------
    ("find -name prints", "find /opt -name '*.so' > /f", 0, {"/f": "file 644 '/opt/lib/a.so\\n'"}),
    ("find . relative", "cd /opt/lib && find . -type d > /f", 0, {"/f": "file 644 '.\\n./sub\\n'"}),
    ("find -empty", "find /usr/local /etc/motd -empty > /f", 0, {"/f": "file 644 '/usr/local/bin\\n'"}),
    ("find -delete: whiteouts", "find /opt/lib -type f -delete", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755", "/opt/lib/a.so": "whiteout", "/opt/lib/sub": "dir 755",
      "/opt/lib/sub/b.txt": "whiteout"}),
    ("find -exec {} +", "find /opt/lib -type f -exec chmod 600 {} +", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755", "/opt/lib/a.so": "file 600 'AAAA'",
      "/opt/lib/sub": "dir 755", "/opt/lib/sub/b.txt": "file 600 'bee\\n'"}),
    ("find -exec {} ;", "find /srv -name '*.html' -exec cp {} /tmp \\;", 0,
     {"/tmp": "dir 1777", "/tmp/index.html": "file 644 '<h1>hi</h1>\\n'"}),
    ("find -maxdepth -o", "find /etc -maxdepth 1 \\( -name motd -o -name app.conf \\) -delete", 0,
     {**ETC, "/etc/motd": "whiteout", "/etc/app.conf": "whiteout"}),
    ("find missing start", "find /nope", 1, {}),
    ("xargs", "echo /etc/motd /etc/app.conf | xargs rm -f", 0,
     {**ETC, "/etc/motd": "whiteout", "/etc/app.conf": "whiteout"}),
    ("xargs -I", "printf 'a\\nb\\n' | xargs -I{} touch /tmp/{}.txt", 0,
     {"/tmp": "dir 1777", "/tmp/a.txt": "file 644 ''", "/tmp/b.txt": "file 644 ''"}),
    ("xargs -r on empty input", "printf '' | xargs -r touch", 0, {}),
    ("find | xargs", "find /opt/lib -name '*.txt' | xargs chmod 600", 0,
     {"/opt": "dir 755", "/opt/lib": "dir 755", "/opt/lib/sub": "dir 755",
      "/opt/lib/sub/b.txt": "file 600 'bee\\n'"}),
    ("env runs its command with a changed environment", "env A=1 sh -c 'echo $A > /f'", 0,
     {"/f": "file 644 '1\\n'"}),
    ("wrappers run their command", "nohup touch /a; timeout 5 touch /b; nice -n 5 touch /c; "
     "stdbuf -oL touch /d; setsid touch /e; time touch /f", 0,
     {p: "file 644 ''" for p in ("/a", "/b", "/c", "/d", "/e", "/f")}),
    ("exit status", "exit 3", 3, {}),
]


def _matches(expected: dict, actual: dict) -> bool:
    """``*`` in a path or a ``size=*`` value stands for "anything" (names and sizes made up)."""
    import re

    def like(pattern: str, text: str) -> bool:
        return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), text, re.S) is not None
    if len(expected) != len(actual):
        return False
    for path, desc in expected.items():
        hits = [p for p in actual if like(path, p)]
        if not hits or not any(like(desc, actual[h]) for h in hits):
            return False
    return True


@pytest.mark.parametrize("script,status,expected,noted",
                         [(*c[1:4], c[4] if len(c) > 4 else None) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_command(script, status, expected, noted):
    """A row with a fifth field expects a "not simulated" note naming it; no other row may have one."""
    result, fs = sh(script)
    assert result.status == status, (result.stderr, result.error)
    notes = [f"{n.command}: {n.hint}" for n in result.not_simulated]
    if noted is None:
        assert notes == []
    else:
        assert notes and all(noted in n for n in notes), notes
    if expected is not None:
        actual = changeset(fs)
        assert _matches(expected, actual), actual


def test_every_registered_command_has_a_row():
    from app.shell.commands import REGISTRY
    covered = " ".join(c[1] for c in CASES) + " " + " ".join(c[0] for c in CASES)
    untested = {"egrep", "fgrep", "dash", "ash", "id", "whoami", "uname", "nproc", "hostname",
                "date", "sleep", "sync", "printenv", "readlink", "realpath", "stat", "seq", "tr",
                "test", "["}  # covered in test_more_commands.py / test_features.py
    missing = [n for n in REGISTRY if n not in covered and n not in untested]
    assert missing == []


# -- messages a student reads --------------------------------------------------------------
MESSAGES = [
    ("rm /x", "rm: cannot remove '/x': No such file or directory\n"),
    ("dd if=/nope of=/f", "dd: failed to open '/nope': No such file or directory\n"),
    ("dd if=/dev/zero of=/f bs=1M count=50",  # GNU dd adds ", 0.02 s, 2.1 GB/s": the host's, left out
     "50+0 records in\n50+0 records out\n52428800 bytes (52 MB, 50 MiB) copied\n"),
    ("dd if=/etc/motd of=/f bs=10", "2+1 records in\n2+1 records out\n24 bytes copied\n"),
    ("dd if=/dev/zero of=/f count=1 oops", "dd: unrecognized operand 'oops'\n"
                                           "Try 'dd --help' for more information.\n"),
    ("rm /opt/lib", "rm: cannot remove '/opt/lib': Is a directory\n"),
    ("rm -rf /", "rm: it is dangerous to operate recursively on '/'\n"
                 "rm: use --no-preserve-root to override this failsafe\n"),
    ("mkdir /etc", "mkdir: cannot create directory '/etc': File exists\n"),
    ("mkdir /a/b", "mkdir: cannot create directory '/a/b': No such file or directory\n"),
    ("rmdir /opt/lib", "rmdir: failed to remove '/opt/lib': Directory not empty\n"),
    ("cp /opt/lib /x", "cp: -r not specified; omitting directory '/opt/lib'\n"),
    ("cp /nope /x", "cp: cannot stat '/nope': No such file or directory\n"),
    ("mv /nope /x", "mv: cannot stat '/nope': No such file or directory\n"),
    ("ln -s /x /etc/motd", "ln: failed to create symbolic link '/etc/motd': File exists\n"),
    ("chmod 600 /nope", "chmod: cannot access '/nope': No such file or directory\n"),
    ("chown bob /etc/motd", "chown: invalid user: 'bob'\n"),
    ("chown root:nogrp /etc/motd", "chown: invalid group: 'root:nogrp'\n"),
    ("cat /nope", "cat: /nope: No such file or directory\n"),
    ("touch /no/f", "touch: cannot touch '/no/f': No such file or directory\n"),
    ("echo x > /no/f", "/bin/sh: 1: cannot create /no/f: Directory nonexistent\n"),
    ("cat < /nope", "/bin/sh: 1: cannot open /nope: No such file\n"),
    ("cd /nope", "/bin/sh: 1: cd: can't cd to /nope\n"),
    ("useradd www-data", "useradd: user 'www-data' already exists\n"),
    ("groupadd staff", "groupadd: group 'staff' already exists\n"),
    ("rm -z /x", "rm: invalid option -- 'z'\nTry 'rm --help' for more information.\n"),
    ("set -o pipefail", "/bin/sh: 1: set: Illegal option -o pipefail\n"),
    ("tar -xf /nope.tar", "tar: /nope.tar: Cannot open: No such file or directory\n"
                          "tar: Error is not recoverable: exiting now\n"),
]


@pytest.mark.parametrize("script,stderr", MESSAGES, ids=[m[0] for m in MESSAGES])
def test_message(script, stderr):
    result, _ = sh(script)
    assert result.stderr == stderr


def test_tar_of_unknown_bytes_is_reported():
    result, fs = sh("wget -q -O /a.tgz https://example.com/a.tgz && tar -xzf /a.tgz -C /opt")
    assert result.status == 0
    assert result.not_simulated[-1].command == "tar -xf /a.tgz"
    assert "nothing was extracted" in result.not_simulated[-1].hint
    assert "/opt" not in changeset(fs)


def test_huge_scripts_are_not_interpreted():
    from app.engine import Layer
    layer = Layer()
    layer.put("/", make_base_layer().get("/"))
    layer.put("/configure", File(Inode(b"#!/bin/sh\n" + b"# generated\n" * 10000, mode=0o755)))
    fs = UnionFS([make_base_layer(), layer.freeze()])
    result = run("./configure --prefix=/usr && sh configure", fs, cwd="/")
    assert result.status == 0
    assert [n.command for n in result.not_simulated] == ["./configure --prefix=/usr", "sh configure"]
    assert "up to 64 KiB" in result.not_simulated[0].hint


def test_error_reads_like_docker_build():
    result, _ = sh("echo start; rm /x")
    assert result.status == 1
    assert result.failed_command == "rm /x"
    assert result.error == ("rm: cannot remove '/x': No such file or directory\n"
                            'process "/bin/sh -c echo start; rm /x" did not complete '
                            "successfully: exit code: 1")


def test_success_has_no_error():
    result, _ = sh("rm /x || true")
    assert result.status == 0 and result.error is None


def test_deleting_in_a_later_layer_does_not_shrink_the_image():
    """The lesson every course has: the 50 MiB stay in the dd layer; the rm layer holds one whiteout."""
    base = make_base_layer()
    first = UnionFS([base])
    assert run("dd if=/dev/zero of=/big bs=1M count=50", first).status == 0
    dd_layer = first.upper.freeze()
    second = UnionFS([base, dd_layer])
    result = run("rm /big", second)
    assert result.status == 0 and result.not_simulated == []
    assert changeset(second) == {"/big": "whiteout"}
    assert dd_layer.size == 50 << 20
    assert second.upper.size == 0
