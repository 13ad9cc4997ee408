"""Whatever text comes in, the front end answers with a result or a DockerfileError, never a crash."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.dockerfile.errors import DockerfileError
from app.dockerfile.instructions import Scope, parse_dockerfile
from app.dockerfile.parser import dump, parse

EXAMPLES = int(os.environ.get("LAYERLAB_EXAMPLES", "300"))

PIECES = st.sampled_from([
    "FROM ", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "LABEL ", "ONBUILD ", "HEALTHCHECK ", "EXPOSE ", "CMD ",
    "WORKDIR ", "SHELL ", "USER ", "VOLUME ", "STOPSIGNAL ", "a", "b=c", "$X", "${X:-y}", "${X", "${X#*/}",
    "'", '"', "\\", "`", "[", "]", ",", "\n", "\r\n", " ", "\t", "#", "# escape=`\n", "<<EOF", "<<-'E'",
    "\nEOF\n", "--", "--from=a", "--mount=type=cache,target=/c", "=", "AS", " x ", "é", "\u00a0", "80/tcp",
])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(PIECES, max_size=40).map("".join), st.text(max_size=200),
                 st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=40).map("".join)))
def test_any_text_parses_or_fails_with_a_located_dockerfile_error(text):
    try:
        result = parse(text)
    except DockerfileError as err:
        assert err.line >= 1 and err.column >= 1
        return
    dump(result)
    try:
        dockerfile = parse_dockerfile(text)
    except DockerfileError as err:
        assert err.line >= 1 and err.column >= 1
        return
    scope = Scope()
    try:
        for arg in dockerfile.meta_args:
            scope.apply(arg)
        for stage in dockerfile.stages:
            scope.apply(stage.base)
            for instruction in stage.instructions:
                scope.apply(instruction)
    except DockerfileError as err:
        assert err.line >= 1 and err.column >= 1
