"""What a command line asks for, and what a played state does with it."""

from __future__ import annotations

import pytest

from app.playground import State
from app.playground.commands import Command, CommandError, parse_command
from app.playground.play import play_state


@pytest.mark.parametrize("line,command", [
    ("echo hi > /x", Command("exec", script="echo hi > /x")),
    ("docker run --name web site", Command("run", container="web", image="site")),
    ("docker run -d site", Command("run", image="site")),
    ("docker exec -it web sh -c 'rm /etc/motd'", Command("exec", container="web", script="rm /etc/motd")),
    ("docker exec web cat /etc/motd", Command("exec", container="web", script="cat /etc/motd")),
    ("docker rm -f web", Command("rm", container="web")),
    ("docker commit web snap", Command("commit", container="web", image="snap")),
    ("docker diff web", Command("diff", container="web")),
])
def test_lines_parse_to_docker_verbs(line, command):
    assert parse_command(line) == command


@pytest.mark.parametrize("line", ["docker", "docker pull x", "docker run", "docker exec web", "docker commit web",
                                  "echo 'unclosed", "docker run --memory 1g x"])
def test_lines_it_cannot_read_say_how(line):
    with pytest.raises(CommandError):
        parse_command(line)


def test_commands_play_as_docker_would():
    state = State("FROM debian:bookworm\nRUN echo hi > /greeting\n", commands=(
        "echo more >> /greeting", "docker diff container-1", "docker commit container-1 snap",
        "docker run --name b snap", "cat /greeting", "docker rm b", "docker exec b ls"))
    played = play_state(state)
    kinds = [f.kind for f in played.frames]
    assert kinds == ["build", "build", "run", "exec", "exec", "show", "run", "exec", "show", "exec"]
    assert played.frames[4].output == "C /greeting\n"
    assert played.frames[7].output == "hi\nmore\n"
    assert "No such container: b" in played.frames[9].error
    assert played.command_frames == [4, 5, 6, 7, 8, 9, 10]


def test_a_bad_dockerfile_is_pinned_to_its_line_with_a_suggestion():
    problem = play_state(State("FROM debian:bookworm\nFORM debian\n")).problem
    assert (problem.line, problem.column) == (2, 1)
    assert "did you mean FROM?" in problem.message
