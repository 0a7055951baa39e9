"""``pulje eval`` reaches the evals through the ``pulje.commands`` entry point: the CLI
lists and runs whatever the installed packages register there, and imports no eval."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib.metadata import entry_points
from typing import Any

import pytest

from assistant import cli


def test_the_installed_package_registers_pulje_eval() -> None:
    found = {e.name: e.value for e in entry_points(group=cli.COMMANDS_GROUP)}
    assert found == {"eval": "evals.commands:register_eval"}


def test_the_cli_runs_a_command_found_through_its_entry_point(
        monkeypatch: pytest.MonkeyPatch) -> None:
    got: list[list[str]] = []

    def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        sub.add_parser("hello", help="en prøve", add_help=False).set_defaults(
            passthrough=lambda rest: got.append(rest) or 7)

    class Entry:
        name = "hello"

        def load(self) -> Any:
            return register

    monkeypatch.setattr(cli, "entry_points", lambda group: [Entry()] if group == (
        cli.COMMANDS_GROUP) else [])
    # Every argument after the command's name is its own, options included.
    assert cli.main(["hello", "--split", "test", "-v", "--help"]) == 7
    assert got == [["--split", "test", "-v", "--help"]]
    assert "hello" in cli.build_parser().format_help()
    # Without the entry point there is no such command.
    monkeypatch.setattr(cli, "entry_points", lambda group: [])
    with pytest.raises(SystemExit):
        cli.main(["hello"])


def test_pulje_eval_passes_its_options_to_the_suite(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["eval", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: pulje eval") and "--rescore" in out and "--gate" in out
    # The other commands still refuse arguments they do not know.
    with pytest.raises(SystemExit) as exit_:
        cli.main(["store", "purge", "--nope"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --nope" in capsys.readouterr().err


def test_listing_the_commands_imports_no_eval_module() -> None:
    # In a fresh process: `pulje ask` and the rest start without the suite's imports.
    code = ("import sys; from assistant import cli; cli.build_parser(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'evals'))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert res.stdout.split() == ["['evals',", "'evals.commands']"]
