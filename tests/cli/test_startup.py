"""``aztec`` commands that start no node load none of the heavy modules (the real command, as a subprocess)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from aztec.cli.main import COMMANDS, app
from tests.cli.importtime import run_with_importtime

LIGHT_COMMANDS = [
    ("--help",),
    ("--version",),
    ("start", "--help"),
    ("top", "--help"),
    ("telemetry", "--help"),
    ("telemetry", "metrics"),
    ("dashboards", "--help"),
    ("dashboards", "generate", "--help"),
    ("bench", "--help"),
    ("bench", "report", "--help"),
]


@pytest.mark.parametrize("args", LIGHT_COMMANDS, ids=" ".join)
def test_commands_that_start_no_node_import_no_heavy_module(args: tuple[str, ...]) -> None:
    run = run_with_importtime(*args)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip()
    assert run.heavy() == [], f"`aztec {' '.join(args)}` imported {run.heavy()}"


def test_the_import_log_sees_heavy_modules_when_they_load() -> None:
    """The check above can fail: `aztec telemetry check` loads the OTLP exporters (gRPC, protobuf)."""
    run = run_with_importtime("telemetry", "check")
    assert run.returncode == 0, run.stderr
    assert {"grpc", "google.protobuf"} <= set(run.heavy())


def test_help_lists_every_command_without_importing_it() -> None:
    run = run_with_importtime("--help")
    for name, lazy in COMMANDS.items():
        assert name in run.stdout
        module = lazy.target.partition(":")[0]
        assert module not in run.modules, f"--help imported {module}"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_lazy_command_loads_and_its_listed_help_is_its_own(name: str) -> None:
    command = COMMANDS[name].load(name)
    assert command.name == name
    own_help = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
    assert COMMANDS[name].help == own_help


def test_a_mistyped_command_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["strat"])
    assert result.exit_code == 2
    assert "Did you mean 'start'?" in result.output


def test_aztec_help_imports_no_setting_definition() -> None:
    run = run_with_importtime("--help")
    prefixes = ("aztec.stdlib", "aztec.sandbox", "aztec.foundation.settings")
    loaded = sorted(m for m in run.modules if m.startswith(prefixes))
    assert loaded == [], f"`aztec --help` imported {loaded}"


def test_start_help_imports_the_definitions_and_no_other_shared_type() -> None:
    """The settings' modules under aztec.stdlib.config import only foundation: no tx, block or tree type."""
    run = run_with_importtime("start", "--help")
    stdlib = {m for m in run.modules if m == "aztec.stdlib" or m.startswith("aztec.stdlib.")}
    assert "aztec.stdlib.config.sequencer" in stdlib
    assert {m for m in stdlib if not m.startswith("aztec.stdlib.config")} == {"aztec.stdlib"}
