"""Whatever a student types, ``run`` answers with a ShellResult: it never
raises, never hangs past its limits, and never changes an image layer."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings, strategies as st

from app.engine import UnionFS
from app.shell import Limits, ShellResult
from conftest import make_base_layer, run

BASE = make_base_layer()
WORDS = ["echo", "rm", "-rf", "/etc", "*", "$HOME", "$(", ")", "`", "'", '"', "|", "&&", "||",
         ";", "<<EOF", "EOF", "\n", "if", "then", "fi", "for", "in", "do", "done", "case", "esac",
         "${X:-", "}", "$((", "))", "1+", ">", ">>", "2>&1", "<", "cp", "mv", "sed", "-i",
         "s/a/b/", "chmod", "777", "[", "]", "test", "-f", "{", "}", "(", "while", "true", ":",
         "cat", "/etc/motd", "tar", "-xf", "curl", "sh", "-c", "useradd", "-m", "x", "printf",
         "%s%d", "\\", "~", "=", "A=1", "export", "set", "-e", "-u", "-o", "pipefail", "!"]

EXAMPLES = int(os.environ.get("LAYERLAB_EXAMPLES", "150"))


@settings(max_examples=EXAMPLES, deadline=None, derandomize="LAYERLAB_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join) | st.text(max_size=60))
def test_any_text_gives_a_result(script):
    fs = UnionFS([BASE])
    result = run(script, fs, limits=Limits(max_loop_iterations=200, max_steps=2000))
    assert isinstance(result, ShellResult)
    assert 0 <= result.status <= 255
    assert (result.error is None) == (result.status == 0)
    assert all(layer.frozen for layer in fs.lowers)
