"""The parse tree: directives, continuations, forms, flags, heredocs and line ranges, as BuildKit reads them."""

from __future__ import annotations

import pytest

from app.dockerfile.errors import DockerfileError
from app.dockerfile.parser import dump, parse


def nodes(text: str):
    return parse(text).nodes


def test_directives_only_count_at_the_top_and_ignore_case():
    result = parse("# syntax=docker/dockerfile:1.7\n# ESCAPE = `\n# check=skip=all\nFROM a\n# escape=\\\n")
    assert result.directives == {"syntax": "docker/dockerfile:1.7", "escape": "`", "check": "skip=all"}
    assert result.escape == "`"


def test_a_comment_ends_directive_detection():
    result = parse("# hello\n# escape=`\nFROM a\nRUN a \\\n  b\n")
    assert result.escape == "\\" and result.directives == {}
    assert result.nodes[1].value == ["a   b"]


def test_a_repeated_directive_is_refused():
    with pytest.raises(DockerfileError, match="only one syntax parser directive can be used"):
        parse("# syntax=a\n# syntax=b\nFROM a\n")


def test_continuations_skip_comments_and_keep_indentation_and_warn_about_blank_lines():
    result = parse("FROM a\nRUN apt-get update && \\  \n    # why\n\n    apt-get install -y curl\n")
    run = result.nodes[1]
    assert run.value == ["apt-get update &&     apt-get install -y curl"]
    assert (run.start_line, run.end_line) == (2, 5)
    assert [(w.message, w.line) for w in result.warnings] == [
        ("Empty continuation line found in: RUN apt-get update &&     apt-get install -y curl", 5)]


def test_escaped_escape_at_line_end_is_not_a_continuation():
    assert [n.value for n in nodes("FROM a\nRUN echo \\\\\nRUN b\n")][1:] == [["echo \\\\"], ["b"]]


def test_keywords_are_case_insensitive_and_unknown_ones_are_kept():
    assert [(n.cmd, n.keyword, n.value) for n in nodes("from a\nRuN x\nFOO bar baz\n")] == [
        ("from", "from", ["a"]), ("run", "RuN", ["x"]), ("foo", "FOO", [""])]


def test_json_form_and_its_fallback_to_shell_form():
    run_json, run_shell, cmd_empty, copy_split = nodes(
        'FROM a\nRUN ["echo", "a b"]\nRUN [\'single\']\nCMD []\nCOPY "a b" c\n')[1:]
    assert (run_json.json, run_json.value) == (True, ["echo", "a b"])
    assert (run_shell.json, run_shell.value) == (False, ["['single']"])
    assert (cmd_empty.json, cmd_empty.value) == (True, [])
    assert copy_split.value == ['"a', 'b"', "c"]


def test_flags_come_first_and_a_bare_double_dash_ends_them():
    copy, run = nodes('FROM a\nCOPY --chown="app user" --link -- --not-a-flag /d\nRUN --mount=type=cache,target=/c make\n')[1:]
    assert (copy.flags, copy.value) == (["--chown=app user", "--link"], ["--not-a-flag", "/d"])
    assert (run.flags, run.value) == (["--mount=type=cache,target=/c"], ["make"])


def test_env_label_and_arg_words():
    env_new, env_old, label, arg = nodes('FROM a\nENV A=1 B="x y"\nENV C some value\nLABEL k=v\nARG N V="1 2"\n')[1:]
    assert (env_new.value, env_new.separator) == (["A", "1", "B", '"x y"'], "=")
    assert (env_old.value, env_old.separator) == (["C", "some value"], "")
    assert label.value == ["k", "v"]
    assert arg.value == ["N", 'V="1 2"']


def test_heredocs_record_name_descriptor_expansion_and_chomping():
    run = nodes("FROM a\nRUN 3<<'EOT' cat && <<-\"EOF\" sh\n$HOME\nEOT\n\techo hi\n\tEOF\n")[1]
    assert [(h.name, h.file_descriptor, h.expand, h.chomp, h.content) for h in run.heredocs] == [
        ("EOT", 3, False, False, "$HOME\n"), ("EOF", 0, False, True, "\techo hi\n")]
    assert (run.start_line, run.end_line) == (2, 6)
    assert run.value == ["3<<'EOT' cat && <<-\"EOF\" sh"]


def test_heredoc_bodies_are_not_instructions_comments_or_continuations():
    copy, last = nodes("FROM a\nCOPY <<EOF /etc/x\n# kept\nFROM b \\\n\nEOF\nRUN done\n")[1:]
    assert copy.heredocs[0].content == "# kept\nFROM b \\\n\n"
    assert copy.value == ["<<EOF", "/etc/x"] and (last.cmd, last.start_line) == ("run", 7)


def test_no_heredoc_in_json_form_or_other_instructions():
    run, env = nodes('FROM a\nRUN ["cat", "<<EOF"]\nENV X=<<EOF\n')[1:]
    assert run.heredocs == [] and env.heredocs == []


def test_onbuild_nests_its_trigger_with_its_own_flags():
    onbuild = nodes("FROM a\nONBUILD RUN --mount=type=cache,target=/c make\n")[1]
    assert (onbuild.sub_cmd, onbuild.value, onbuild.next.flags) == ("run", ["make"], ["--mount=type=cache,target=/c"])
    assert dump(parse("FROM a\nONBUILD RUN --mount=x a\n")) == '(from "a")\n(onbuild (run ["--mount=x"] "a"))'


def test_crlf_and_byte_order_mark_are_ignored():
    result = parse("\ufeffFROM a\r\nRUN a \\\r\n  b\r\n")
    assert [(n.cmd, n.value, n.end_line) for n in result.nodes] == [("from", ["a"], 1), ("run", ["a   b"], 3)]


def test_dump_quotes_like_go():
    assert dump(parse('FROM a\nCMD ["♥", "tab\\there", "\\u0000", "\\u00a0"]\n')) == (
        '(from "a")\n(cmd "♥" "tab\\there" "\\x00" "\\u00a0")')


def test_flags_use_the_directives_escape_character_as_buildkit_does_today():
    # BuildKit v0.12.5 (the PyPI binding) still used a backslash here; current BuildKit uses the directive's.
    copy = nodes("# escape=`\nFROM a\nCOPY --chown=a`:b --x=c\\d y z\n")[1]
    assert copy.flags == ["--chown=a:b", "--x=c\\d"]


def test_json_form_must_end_at_its_closing_bracket():
    # Today's BuildKit decodes with json.Unmarshal; v0.12.5 still took this as JSON.
    cmd = nodes('FROM a\nCMD ["a"] b\n')[1]
    assert (cmd.json, cmd.value) == (False, ['["a"] b'])
