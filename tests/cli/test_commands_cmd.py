"""`layerlab commands`: every command the shell simulates, with the options its code
hands to getopt (or reads by hand), and the package tools of each distribution."""

from __future__ import annotations

import json

from app.cli import main
from app.shell.builtins import REGULAR, SPECIAL
from app.shell.command_list import simulated_commands
from app.shell.commands.registry import REGISTRY
from app.shell.shell_programs import PROGRAMS


def test_every_registered_command_is_listed_once():
    names = [c.name for c in simulated_commands()]
    assert len(names) == len(set(names))
    assert set(REGISTRY) | set(PROGRAMS) | set(SPECIAL) | set(REGULAR) == set(names)


def test_options_are_the_ones_the_code_parses():
    by_name = {c.name: c for c in simulated_commands()}
    assert {"-p", "--parents", "-m ARG", "--mode=ARG"} <= set(by_name["mkdir"].options)
    assert {"-l ARG", "--length=ARG"} <= set(by_name["fallocate"].options)
    # head -c of a device wraps text.py's head: one list, no option twice
    assert by_name["head"].options.count("-c ARG") == 1 and "-c" not in by_name["head"].options
    assert "/dev/zero" in by_name["head"].summary  # the wrapper's docstring is kept
    assert {"bs", "count", "if", "of", "seek"} <= set(by_name["dd"].words) and by_name["dd"].by_hand
    assert "--strip-components" in by_name["tar"].options  # found in tar's helper, _tar_options
    assert by_name["cd"].kind == "builtin" and by_name["export"].kind == "special builtin"


def test_cli_prints_commands_and_package_tools_and_fails_on_an_unknown_name(capsys):
    assert main(["commands", "--json", "rm", "apt-get", "pip"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert "--recursive" in rows["rm"]["options"]
    assert rows["apt-get"]["kind"] == "package tool" and "debian" in rows["apt-get"]["summary"]
    assert "alpine" in rows["pip"]["summary"]
    assert main(["commands", "nano"]) == 1
    assert "nano: not simulated" in capsys.readouterr().out
    assert main(["commands"]) == 0
    out = capsys.readouterr().out
    assert "dd           command         bs= " in out and "not simulated" in out
