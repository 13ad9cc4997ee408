"""Typed instructions, expansion and ARG/ENV scope, as BuildKit gives them meaning."""

from __future__ import annotations

import pytest

from app.dockerfile.errors import DockerfileError
from app.dockerfile.instructions import (
    Add, Arg, Cmd, Copy, Entrypoint, Env, Expose, From, Healthcheck, Label, Maintainer, Onbuild, Run,
    Scope, Shell, Stopsignal, User, Volume, Workdir, expand, parse_dockerfile,
)

MULTI_STAGE = """\
# syntax=docker/dockerfile:1
ARG BASE=debian:bookworm-slim
ARG VERSION=1.0
FROM --platform=$BUILDPLATFORM ${BASE} AS build
ARG VERSION
ENV APP_HOME=/app PATH="/app/bin:$PATH"
ENV LEGACY some value
WORKDIR $APP_HOME
RUN --mount=type=cache,target=/root/.cache --network=none make VERSION=$VERSION
COPY --chown=1000:1000 --chmod=755 --link --exclude=*.md src/ ./
COPY <<-EOF /etc/motd
\tHello $VERSION
\tEOF
ADD --checksum=sha256:0123 --keep-git-dir https://example.com/a.tar.gz /tmp/
LABEL org.opencontainers.image.title="demo app" version=$VERSION
EXPOSE 80/tcp 53/udp 8000-8010
VOLUME ["/data", "/logs"]
USER app:app
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -f http://localhost/ || exit 1
SHELL ["/bin/bash", "-c"]
ONBUILD COPY . /src
MAINTAINER Jane <jane@example.com>

FROM scratch
COPY --from=build /app/bin/app /app
ENTRYPOINT ["/app"]
CMD serve --port 80
"""


@pytest.fixture(scope="module")
def dockerfile():
    return parse_dockerfile(MULTI_STAGE)


def test_args_before_the_first_from_are_meta_args(dockerfile):
    assert [arg.pairs for arg in dockerfile.meta_args] == [[("BASE", "debian:bookworm-slim")], [("VERSION", "1.0")]]
    assert dockerfile.directives == {"syntax": "docker/dockerfile:1"}


def test_stages_have_index_name_base_and_instructions(dockerfile):
    build, final = dockerfile.stages
    assert (build.index, build.name, final.index, final.name) == (0, "build", 1, None)
    assert build.base == From("${BASE}", "build", "$BUILDPLATFORM", original=build.base.original, line=4, end_line=4)
    assert [type(i).__name__ for i in build.instructions] == [
        "Arg", "Env", "Env", "Workdir", "Run", "Copy", "Copy", "Add", "Label", "Expose", "Volume", "User",
        "Stopsignal", "Healthcheck", "Shell", "Onbuild", "Maintainer"]
    assert [type(i) for i in final.instructions] == [Copy, Entrypoint, Cmd]


def test_each_instruction_keeps_its_arguments_typed(dockerfile):
    i = dockerfile.stages[0].instructions
    assert i[0] == Arg([("VERSION", None)], original="ARG VERSION", line=5, end_line=5)
    assert i[1].pairs == [("APP_HOME", "/app"), ("PATH", '"/app/bin:$PATH"')]
    assert i[2].pairs == [("LEGACY", "some value")]
    assert i[3].path == "$APP_HOME"
    run = i[4]
    assert run.command == "make VERSION=$VERSION" and run.json is False
    assert [(m.type, m.target) for m in run.mounts] == [("cache", "/root/.cache")] and run.network == "none"
    copy = i[5]
    assert (copy.sources, copy.dest, copy.chown, copy.chmod, copy.link, copy.exclude) == (
        ["src/"], "./", "1000:1000", "755", True, ["*.md"])
    motd = i[6]
    assert motd.sources == ["<<-EOF"] and motd.paths == [] and motd.dest == "/etc/motd"
    assert [(d.name, d.content, d.chomp, d.expand) for d in motd.heredocs] == [("EOF", "Hello $VERSION\n", True, True)]
    assert (motd.line, motd.end_line) == (11, 13)
    add = i[7]
    assert (add.checksum, add.keep_git_dir, add.sources) == ("sha256:0123", True, ["https://example.com/a.tar.gz"])
    assert i[8].pairs == [("org.opencontainers.image.title", '"demo app"'), ("version", "$VERSION")]
    assert i[9].ports == ["80/tcp", "53/udp", "8000-8010"]
    assert i[10].paths == ["/data", "/logs"]
    assert i[11].user == "app:app" and i[12].signal == "SIGTERM"
    health = i[13]
    assert health.test == ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]
    assert (health.interval, health.timeout, health.retries) == (30.0, 5.0, 3)
    assert i[14].argv == ["/bin/bash", "-c"]
    assert isinstance(i[15].inner, Copy) and i[15].expression == "COPY . /src"
    assert i[16].name == "Jane <jane@example.com>"
    final = dockerfile.stages[1].instructions
    assert final[0].from_stage == "build"
    assert (final[1].command, final[1].json) == (["/app"], True)
    assert (final[2].command, final[2].json) == ("serve --port 80", False)


def test_text_shows_the_instruction_as_written_with_its_heredoc(dockerfile):
    motd = dockerfile.stages[0].instructions[6]
    assert motd.text() == "COPY <<-EOF /etc/motd\n\tHello $VERSION\n\tEOF"
    run = parse_dockerfile("FROM a\nRUN echo a \\\n  # note\n  b\n").stages[0].instructions[0]
    assert run.text() == "RUN echo a \\\n  # note\n  b"
    assert run.original == "RUN echo a   b"


def test_expand_removes_quotes_and_expands_what_buildkit_expands():
    env = {"V": "2.0", "HOME_DIR": "/home/app"}
    assert expand(Env([("A", '"x $V"'), ("B", "'$V'")]), env).pairs == [("A", "x 2.0"), ("B", "$V")]
    assert expand(Copy(["$HOME_DIR/a", "b"], "/dst/$V", chown="$V"), env) == Copy(
        ["/home/app/a", "b"], "/dst/2.0", chown="2.0")
    assert expand(Workdir("${HOME_DIR}/src"), env).path == "/home/app/src"
    assert expand(Copy(['<<"EOF"', "$V"], "/d"), env).sources == ['<<"EOF"', "2.0"]
    assert expand(Expose(["$P"]), {"P": "80 443/tcp"}).ports == ["80", "443/tcp"]
    run = Run("echo $V")
    assert expand(run, env).command == "echo $V"  # left to the shell in the container
    assert expand(Cmd(["$V"], json=True), env).command == ["$V"]


def test_expand_reports_a_bad_substitution_as_a_dockerfile_error():
    with pytest.raises(DockerfileError, match="unsupported modifier"):
        expand(Workdir("${V:=x}", line=7), {})


def test_scope_meta_args_reach_from_but_not_the_stage_unless_redeclared():
    dockerfile = parse_dockerfile("ARG V=1\nARG IMG=alpine:$V\nFROM $IMG\nRUN echo\nWORKDIR /$V\nARG V\nWORKDIR /$V\n")
    scope = Scope()
    for arg in dockerfile.meta_args:
        scope.apply(arg)
    stage = dockerfile.stages[0]
    assert scope.apply(stage.base).image == "alpine:1"
    expanded = [scope.apply(i) for i in stage.instructions]
    assert expanded[1].path == "/"          # V not visible before `ARG V`
    assert expanded[2].pairs == [("V", "1")]  # re-declared without default: takes the global value
    assert expanded[3].path == "/1"


def test_scope_build_args_override_defaults_and_env_overrides_args():
    dockerfile = parse_dockerfile("FROM a\nARG MODE=debug\nWORKDIR /$MODE\nENV MODE=prod\nWORKDIR /$MODE\n")
    scope = Scope({"MODE": "release"})
    scope.apply(dockerfile.stages[0].base)
    out = [scope.apply(i) for i in dockerfile.stages[0].instructions]
    assert out[1].path == "/release"
    assert out[3].path == "/prod"
    assert scope.env == {"MODE": "prod"}


def test_platform_args_are_predefined_for_from():
    scope = Scope(platform="linux/arm64/v8")
    assert scope.apply(From("$TARGETARCH/alpine", platform="$BUILDPLATFORM")) == From(
        "arm64/alpine", platform="linux/arm64/v8")


def test_windows_dockerfile_with_backtick_escape():
    text = ("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            "RUN powershell -Command `\n    $ErrorActionPreference = 'Stop'; `\n    Write-Host C:\\dir\n"
            "COPY app C:\\app\\\nWORKDIR C:\\app\n")
    dockerfile = parse_dockerfile(text)
    run, copy, workdir = dockerfile.stages[0].instructions
    assert dockerfile.escape == "`"
    assert run.command == "powershell -Command     $ErrorActionPreference = 'Stop';     Write-Host C:\\dir"
    assert copy.dest == "C:\\app\\"
    assert expand(workdir, {}, escape="`").path == "C:\\app"


def test_unknown_instruction_inside_onbuild_is_kept_as_text():
    onbuild = parse_dockerfile("FROM a\nONBUILD FOO bar\n").stages[0].instructions[0]
    assert onbuild == Onbuild(None, "FOO bar", original="ONBUILD FOO bar", line=2, end_line=2)


def test_instructions_are_recognised_case_insensitively():
    stage = parse_dockerfile("from a AS Base\nrun echo\nCopy . /\n").stages[0]
    assert stage.name == "base" and [type(i) for i in stage.instructions] == [Run, Copy]


@pytest.mark.parametrize("cls", [Add, Label, Maintainer, Shell, Stopsignal, User, Volume, Healthcheck])
def test_every_instruction_type_has_its_keyword(cls):
    assert cls.keyword == cls.__name__.upper()


def test_expansion_errors_point_at_the_word():
    workdir = parse_dockerfile("FROM a\nWORKDIR /srv/${DIR:?set DIR first}\n").stages[0].instructions[0]
    with pytest.raises(DockerfileError) as caught:
        Scope(filename="Dockerfile.app").apply(workdir)
    assert str(caught.value).splitlines()[0] == (
        'Dockerfile.app:2:9: failed to process "/srv/${DIR:?set DIR first}": DIR: set DIR first')


def test_copy_heredoc_bodies_expand_unless_the_name_is_quoted():
    stage = parse_dockerfile("FROM a\nCOPY <<EOF <<'RAW' /d/\n$V \"q\"\nEOF\n$V\nRAW\n").stages[0]
    expanded = expand(stage.instructions[0], {"V": "1"})
    assert [d.content for d in expanded.heredocs] == ['1 "q"\n', "$V\n"]
