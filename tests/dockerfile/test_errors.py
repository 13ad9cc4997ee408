"""Malformed Dockerfiles: each is refused at the right line and column, with a message that helps.

Messages keep BuildKit's wording (so they can be searched for) and, where the
parse tree knows more, say what was expected; hints sit on their own line.
"""

from __future__ import annotations

import pytest

from app.dockerfile.errors import DockerfileError
from app.dockerfile.instructions import parse_dockerfile

CASES = [
    # (Dockerfile, line, column, message)
    ("", 1, 1, "file with no instructions"),
    ("# just a comment\n\n", 2, 1, "file with no instructions"),
    ("FROM a\nENV PATH\n", 2, 5, "ENV must have two arguments"),
    ('FROM a\nCMD [ "echo", [ "nested" ] ]\n', 2, 5,
     "when using JSON array syntax, arrays must be comprised of strings only"),
    ("FROM a\nENV a=b c\n", 2, 9, 'Syntax error - can\'t find = in "c". Must be of the form: name=value'),
    ("FROM a\nLABEL a=b \\\n  c\n", 3, 3, 'Syntax error - can\'t find = in "c". Must be of the form: name=value'),
    ("# escape=x\nFROM a\n", 1, 10, "invalid escape token 'x' does not match ` or \\"),
    ("# escape=`\n# escape=\\\nFROM a\n", 2, 1, "only one escape parser directive can be used"),
    ("FROM a\nRUN <<EOF\necho hi\n", 2, 5, "unterminated heredoc: no line 'EOF' ends the document"),
    ("FORM a\n", 1, 1, "unknown instruction: FORM (did you mean FROM?)"),
    ('FROM a\n  cmd ["a"]\n  entrypint x\n', 3, 3, "unknown instruction: entrypint (did you mean ENTRYPOINT?)"),
    ("FROM a\nRUN <<'EOF\nx\nEOF\n", 3, 1, "unknown instruction: x"),
    ("FROM a\nCOPY app.py\n", 2, 6,
     "COPY requires at least two arguments, but only one was provided. Destination could not be determined"),
    ("FROM a\nCOPY --link a b c\nADD --checksum a\n", 3, 16,
     "ADD requires at least two arguments, but only one was provided. Destination could not be determined"),
    ("FROM a\nCOPY --chmdo=755 a b\n", 2, 6, "unknown flag: chmdo (did you mean chmod?)"),
    ("FROM a\nRUN --fast x\n", 2, 5, "unknown flag: fast"),
    ("FROM a\nCOPY --from=a --from=b x y\n", 2, 15, "duplicate flag specified: from"),
    ("FROM a\nCOPY --link=maybe a b\n", 2, 6, "expecting boolean value for flag link, not: maybe"),
    ("FROM a\nCOPY --from a b\n", 2, 6, "missing a value on flag: from"),
    ("FROM a\nCOPY a <<EOF\nx\nEOF\n", 2, 8, "COPY cannot accept a heredoc as a destination"),
    ("FROM a b\n", 1, 1, "FROM requires either one or three arguments"),
    ("FROM a AS 1st\n", 1, 11,
     'invalid name for build stage: "1st", name can\'t start with a number or contain symbols'),
    ("FROM a AS x\nFROM b AS X\n", 2, 11, 'duplicate stage name "x"'),
    ("RUN echo hi\n", 1, 1, "no build stage in current context: RUN comes before the first FROM"),
    ("ARG V=1\n", 1, 1, "dockerfile contains no stages to build"),
    ("FROM a\nWORKDIR\n", 2, 1, "WORKDIR requires exactly one argument"),
    ("FROM a\nUSER\n", 2, 1, "USER requires exactly one argument"),
    ("FROM a\nMAINTAINER\n", 2, 1, "MAINTAINER requires exactly one argument"),
    ("FROM a\nVOLUME\n", 2, 1, "VOLUME requires at least one argument"),
    ("FROM a\nLABEL\n", 2, 1, "LABEL requires at least one argument"),
    ("FROM a\nARG =x\n", 2, 5, "ARG names can not be blank"),
    ("FROM a\nENV =x\n", 2, 5, "ENV names can not be blank"),
    ("FROM a\nEXPOSE 80/tcpx\n", 2, 8, "invalid proto: tcpx"),
    ("FROM a\nEXPOSE 99999\n", 2, 8, "invalid containerPort: 99999"),
    ("FROM a\nEXPOSE 90-80\n", 2, 8, "invalid range specified for containerPort: 90-80"),
    ("FROM a\nSHELL /bin/sh -c\n", 2, 7, "SHELL requires the arguments to be in JSON form"),
    ("FROM a\nHEALTHCHECK --interval=5 CMD true\n", 2, 13, 'time: invalid duration "5"'),
    ("FROM a\nHEALTHCHECK PING x\n", 2, 13, 'Unknown type "PING" in HEALTHCHECK (try CMD)'),
    ("FROM a\nHEALTHCHECK CMD\n", 2, 13, "Missing command after HEALTHCHECK CMD"),
    ("FROM a\nHEALTHCHECK NONE x\n", 2, 18, "HEALTHCHECK NONE takes no arguments"),
    ("FROM a\nHEALTHCHECK --retries=-1 CMD x\n", 2, 13, "--retries cannot be negative (-1)"),
    ("FROM a\nONBUILD ONBUILD RUN x\n", 2, 9, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
    ("FROM a\nONBUILD FROM b\n", 2, 9, "FROM isn't allowed as an ONBUILD trigger"),
    ("FROM a\nRUN --network=wifi x\n", 2, 15, 'unsupported network mode "wifi"'),
    ("FROM a\nRUN --security=root x\n", 2, 16, 'security "root" is not valid'),
    ("FROM a\nRUN --mount=type=nfs,target=/x x\n", 2, 13, "unsupported mount type 'nfs'"),
    ("FROM a\nRUN " + "x" * 70000 + "\n", 2, 65536, "dockerfile line greater than max allowed size of 65535"),
]


@pytest.mark.parametrize("text, line, column, message", CASES,
                         ids=[f"{i:02d}-{c[3][:40]}" for i, c in enumerate(CASES)])
def test_malformed_dockerfile_is_refused_at_the_offending_spot(text, line, column, message):
    with pytest.raises(DockerfileError) as caught:
        parse_dockerfile(text, filename="Dockerfile.bad")
    error = caught.value
    assert (error.line, error.column, error.message) == (line, column, message)
    assert str(error).splitlines()[0] == f"Dockerfile.bad:{line}:{column}: {message}"


def test_the_table_is_at_least_thirty_cases_long():
    assert len(CASES) >= 30


def test_a_hint_follows_on_its_own_line():
    with pytest.raises(DockerfileError) as caught:
        parse_dockerfile("FROM a\nSHELL /bin/sh -c\n")
    assert str(caught.value) == (
        "Dockerfile:2:7: SHELL requires the arguments to be in JSON form\n"
        'Write it as JSON: SHELL ["/bin/sh", "-c"]')


def test_an_unknown_flag_lists_the_flags_that_exist():
    with pytest.raises(DockerfileError) as caught:
        parse_dockerfile("FROM a\nCOPY --chmdo=755 a b\n")
    assert caught.value.hint == ("Flags this instruction accepts: --chown, --from, --chmod, --link, "
                                 "--exclude, --parents.")
