"""Shell language features, as a table: script -> exit status and stdout, the
way dash (Debian's /bin/sh, what ``RUN`` uses) prints them. Where a feature
changes files, the changeset is checked too.
"""

from __future__ import annotations

import pytest

from app.shell.parser import ShellSyntaxError, parse
from conftest import changeset, sh

FEATURES = [
    # words and quoting
    ("words", "echo a   b  c", 0, "a b c\n"),
    ("single quotes keep everything", "echo '$HOME  \"x\"'", 0, '$HOME  "x"\n'),
    ("double quotes expand", 'echo "$HOME  x"', 0, "/root  x\n"),
    ("backslash", "echo a\\ b \\$HOME", 0, "a b $HOME\n"),
    ("line continuation", "echo a \\\nb", 0, "a b\n"),
    ("comment", "echo a # not this", 0, "a\n"),
    ("empty quotes are a word", "set -- '' x; echo $#", 0, "2\n"),
    # variables
    ("assignment", "A=1; echo $A", 0, "1\n"),
    ("prefix assignment is for the command only", "A=1 sh -c 'echo $A'; echo \"[$A]\"", 0, "1\n[]\n"),
    ("export reaches child shells", "export A=2; sh -c 'echo $A'", 0, "2\n"),
    ("unexported does not", "B=3; sh -c 'echo \"[$B]\"'", 0, "[]\n"),
    ("unset", "A=1; unset A; echo \"[$A]\"", 0, "[]\n"),
    ("env from the build", "echo $GREETING", 0, "hi\n"),
    ("$?", "false; echo $?; true; echo $?", 0, "1\n0\n"),
    ("${VAR:-x}", "echo ${NOPE:-dflt} ${HOME:-x}", 0, "dflt /root\n"),
    ("${VAR-x} vs ${VAR:-x}", "E=; echo \"[${E-a}][${E:-b}]\"", 0, "[][b]\n"),
    ("${VAR:=x} assigns", "echo ${N:=set}; echo $N", 0, "set\nset\n"),
    ("${VAR:+x}", "A=1; echo \"[${A:+yes}][${NOPE:+no}]\"", 0, "[yes][]\n"),
    ("${#VAR}", "A=hello; echo ${#A}", 0, "5\n"),
    ("${VAR%pat} ${VAR##pat}", "F=/a/b/c.tar.gz; echo ${F%.gz} ${F%%.*} ${F#*/} ${F##*/}", 0,
     "/a/b/c.tar /a/b/c a/b/c.tar.gz c.tar.gz\n"),
    ("${VAR:?msg} fails", "echo ${NOPE:?is required}; echo never", 2, ""),
    ("field splitting of expansions", "A='x  y'; set -- $A; echo $#", 0, "2\n"),
    ("no splitting in quotes", "A='x  y'; set -- \"$A\"; echo $#", 0, "1\n"),
    ("IFS", "IFS=:; A=a:b:c; set -- $A; echo $2", 0, "b\n"),
    ("\"$@\"", "set -- 'a b' c; for x in \"$@\"; do echo \"<$x>\"; done", 0, "<a b>\n<c>\n"),
    ("tilde", "echo ~ ~root ~/x", 0, "/root /root /root/x\n"),
    # substitutions
    ("$(...)", "echo \"[$(echo a; echo b)]\"", 0, "[a\nb]\n"),
    ("backticks", "echo `echo hi`", 0, "hi\n"),
    ("nested $(...)", "echo $(echo $(echo deep))", 0, "deep\n"),
    ("$(...) status", "A=$(false); echo $?", 0, "1\n"),
    ("$((...))", "echo $((1 + 2 * 3)) $((10 / 3)) $((10 % 3)) $((2 > 1)) $(( (1+2)*3 ))", 0,
     "7 3 1 1 9\n"),
    ("$((...)) variables", "N=4; echo $((N * 2)) $(($N + 1))", 0, "8 5\n"),
    ("$((...)) assignment", "i=0; : $((i += 5)); echo $i", 0, "5\n"),
    ("division by zero", "echo $((1 / 0))", 2, ""),
    # lists and pipes
    ("&& ||", "true && echo a || echo b; false && echo c || echo d", 0, "a\nd\n"),
    ("; sequence status is the last", "false; true", 0, ""),
    ("!", "! false && echo yes; ! true; echo $?", 0, "yes\n1\n"),
    ("pipe", "printf 'b\\na\\n' | sort | head -n 1", 0, "a\n"),
    ("pipe status is the last command's", "false | true; echo $?", 0, "0\n"),
    ("pipe elements run in subshells", "A=1; echo x | A=2 read B; echo $A", 0, "1\n"),
    ("subshell keeps its cwd and vars", "(cd /etc && A=1 && pwd); pwd; echo \"[$A]\"", 0,
     "/etc\n/\n[]\n"),
    ("group shares them", "{ cd /etc; A=1; }; pwd; echo $A", 0, "/etc\n1\n"),
    ("group output redirect", "{ echo a; echo b; } | wc -l", 0, "2\n"),
    ("exit in a subshell", "(exit 3); echo $?", 0, "3\n"),
    # control flow
    ("if", "if [ -f /etc/motd ]; then echo yes; else echo no; fi", 0, "yes\n"),
    ("elif", "if false; then echo 1; elif [ 1 -eq 1 ]; then echo 2; else echo 3; fi", 0, "2\n"),
    ("for", "for i in 1 2 3; do echo $i; done", 0, "1\n2\n3\n"),
    ("for over a glob", "for f in /opt/lib/*; do echo $f; done", 0,
     "/opt/lib/a.so\n/opt/lib/current\n/opt/lib/sub\n"),
    ("while", "i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i", 0, "3\n"),
    ("until", "i=0; until [ $i -ge 2 ]; do i=$((i+1)); echo $i; done", 0, "1\n2\n"),
    ("break continue", "for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done",
     0, "1\n3\n"),
    ("while read", "printf 'a\\nb\\n' | while read x; do echo \"<$x>\"; done", 0, "<a>\n<b>\n"),
    ("case", "case foo.tar.gz in *.zip) echo zip;; *.tar.*) echo tar;; *) echo other;; esac", 0, "tar\n"),
    ("case alternatives", "case b in a|b) echo ab;; esac", 0, "ab\n"),
    ("functions", "f() { echo \"hi $1\"; return 3; }; f you; echo $?", 0, "hi you\n3\n"),
    ("local", "x=out; f() { local x=in; echo $x; }; f; echo $x", 0, "in\nout\n"),
    # test
    ("test strings", "[ a = a ] && [ a != b ] && [ -n x ] && [ -z '' ] && echo ok", 0, "ok\n"),
    ("test numbers", "[ 2 -gt 1 ] && [ 1 -le 1 ] && test 3 -ne 4 && echo ok", 0, "ok\n"),
    ("test files", "[ -d /etc ] && [ -e /etc/motd ] && [ ! -e /nope ] && [ -L /opt/lib/current ] "
                   "&& [ -x /opt/lib/a.so ] && [ -s /etc/motd ] && echo ok", 0, "ok\n"),
    ("test -a -o", "[ -f /etc/motd -a -d /etc ] && [ -f /nope -o -d /etc ] && echo ok", 0, "ok\n"),
    ("test bad number", "[ x -eq 1 ]", 2, ""),
    ("[[ ]] is not in dash", "[[ a == a ]]", 127, ""),
    ("[[ ]] in bash", "bash -c '[[ foo.txt == *.txt && -d /etc ]] && echo ok'", 0, "ok\n"),
    ("[[ =~ ]] in bash", "bash -c '[[ v1.2 =~ ^v[0-9]+ ]] && echo ok'", 0, "ok\n"),
    # globs
    ("glob", "echo /etc/*.conf", 0, "/etc/app.conf\n"),
    ("glob ?", "echo /opt/lib/?.so", 0, "/opt/lib/a.so\n"),
    ("glob [...]", "echo /etc/[mp]*", 0, "/etc/motd /etc/passwd\n"),
    ("glob no match stays literal", "echo /etc/*.nope", 0, "/etc/*.nope\n"),
    ("quoted glob is literal", "echo '/etc/*.conf' \"/etc/*\"", 0, "/etc/*.conf /etc/*\n"),
    ("glob skips dotfiles", "echo /etc/skel/*", 0, "/etc/skel/*\n"),
    ("glob .*", "echo /etc/skel/.b*", 0, "/etc/skel/.bashrc\n"),
    ("glob sees this RUN's files", "touch /tmp/a1 /tmp/a2; echo /tmp/a*", 0, "/tmp/a1 /tmp/a2\n"),
    ("glob does not see removed files", "rm /etc/motd; echo /etc/m*", 0, "/etc/m*\n"),
    # set
    ("set -e stops", "set -e; false; echo never", 1, ""),
    ("set -e ignores conditions", "set -e; if false; then :; fi; false || true; ! true; echo on", 0, "on\n"),
    ("set -e and &&", "set -e; false && true; echo on", 0, "on\n"),
    ("set -u", "set -u; echo $NOPE; echo never", 2, ""),
    ("set -x", "set -x; echo hi", 0, "hi\n"),
    ("pipefail in bash", "bash -o pipefail -c 'false | true'", 1, ""),
    ("set -o pipefail in bash", "bash -c 'set -o pipefail; false | true; echo $?'", 0, "1\n"),
    ("no set -e by default", "false; echo still", 0, "still\n"),
    ("exit", "echo a; exit 4; echo b", 4, "a\n"),
    ("cd and pwd", "cd /opt/lib && pwd && cd sub && pwd && cd .. && pwd", 0,
     "/opt/lib\n/opt/lib/sub\n/opt/lib\n"),
    ("relative paths use cwd", "cd /tmp && touch f && ls /tmp", 0, "f\n"),
    ("umask", "umask 077; touch /f; ls -l /f | cut -c1-10", 0, "-rw-------\n"),
    ("printf %b and escapes", "printf '%s\\t%b\\n' a 'b\\nc'", 0, "a\tb\nc\n"),
    ("seq", "seq 3", 0, "1\n2\n3\n"),
    ("tr", "echo Hello | tr A-Z a-z", 0, "hello\n"),
    ("readlink", "readlink /opt/lib/current; readlink -f /opt/lib/current", 0, "a.so\n/opt/lib/a.so\n"),
    ("id / whoami", "id -u; whoami", 0, "0\nroot\n"),
    ("uname -m / nproc", "uname -m; nproc", 0, "x86_64\n2\n"),
    ("printenv", "printenv GREETING", 0, "hi\n"),
    ("stat -c", "stat -c '%a %U' /etc/shadow", 0, "640 root\n"),
    ("grep -E via egrep", "egrep -c 'port|host' /etc/app.conf", 0, "2\n"),
    ("fgrep", "fgrep -c '.' /etc/app.conf", 1, "0\n"),
]


@pytest.mark.parametrize("script,status,stdout", [f[1:] for f in FEATURES], ids=[f[0] for f in FEATURES])
def test_feature(script, status, stdout):
    result, _ = sh(script, env={"GREETING": "hi"})
    assert (result.status, result.stdout) == (status, stdout), result.stderr


def test_set_x_traces_commands_on_stderr():
    result, _ = sh("set -x; A=1; echo $A")
    assert result.stderr == "+ A=1\n+ echo 1\n"


def test_dash_has_no_double_brackets():
    result, _ = sh("[[ 1 == 1 ]]")
    assert result.stderr == "/bin/sh: 1: [[: not found\n"


def test_cwd_and_env_arguments():
    result, fs = sh("touch here; echo $APP_HOME", env={"APP_HOME": "/srv"}, cwd="/srv")
    assert result.stdout == "/srv\n"
    assert changeset(fs) == {"/srv": "dir 755", "/srv/here": "file 644 ''"}


def test_shell_argument_selects_bash_and_pipefail():
    result, _ = sh("false | true", shell=["/bin/bash", "-o", "pipefail", "-c"])
    assert result.status == 1
    assert 'process "/bin/bash -o pipefail -c false | true"' in result.error


def test_commands_lists_what_ran():
    result, _ = sh("A=x; echo $A 'b c' > /dev/null && true")
    assert result.commands == ["echo x 'b c'", "true"]


SYNTAX = [
    ("if true; then echo", 'end of file unexpected (expecting "fi")'),
    ("echo 'open", "Unterminated quoted string"),
    ("do", '"do" unexpected'),
    ("for 1x in a; do :; done", "Bad for loop variable"),
    ("echo $(", "Unterminated command substitution"),
]


@pytest.mark.parametrize("script,message", SYNTAX, ids=[s[0] for s in SYNTAX])
def test_syntax_errors(script, message):
    with pytest.raises(ShellSyntaxError) as err:
        parse(script)
    assert message in str(err.value)
    result, fs = sh(script)
    assert result.status == 2 and message in result.stderr
    assert changeset(fs) == {}


def test_syntax_error_runs_nothing():
    result, fs = sh("touch /a; if then")
    assert result.status == 2
    assert changeset(fs) == {}


def test_exec_redirects_the_rest_of_the_script():
    result, fs = sh("exec > /log 2>&1; echo a; ls /nope; echo b")
    assert result.stdout == "" and result.stderr == ""
    assert changeset(fs) == {
        "/log": "file 644 \"a\\nls: cannot access '/nope': No such file or directory\\nb\\n\""}
