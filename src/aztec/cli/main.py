"""Entry point of the ``aztec`` command.

Sub-commands are registered by import path in :data:`COMMANDS` and imported only when they run, so
``aztec --help``, ``aztec --version`` and ``aztec <command> --help`` load none of the node's heavy
modules (OpenTelemetry SDK, LMDB, cryptography, matplotlib, the Grafana SDK).

To add a sub-command: write ``aztec/cli/<name>.py`` with a ``typer.Typer`` (a command group) or a plain
function (a single command), keep its heavy imports inside the command functions, and add one line to
:data:`COMMANDS`. ``tests/cli/test_startup.py`` checks that every entry loads, that its one-line help
matches the command's own, and which modules ``--help`` imports.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from aztec.foundation.version import version_line


@dataclass(frozen=True)
class LazyCommand:
    """A sub-command named by ``module:attribute``, with the one-line help ``aztec --help`` shows."""

    target: str
    help: str

    def load(self, name: str) -> _click.Command:
        """Import the target and turn it into a click command called ``name``."""
        module_name, _, attribute = self.target.partition(":")
        target: Any = getattr(importlib.import_module(module_name), attribute)
        if isinstance(target, typer.Typer):
            command: _click.Command = typer.main.get_group(target)
        else:
            single = typer.Typer(add_completion=False)
            single.command(name=name)(target)
            command = typer.main.get_command(single)
        command.name = name
        return command


COMMANDS: dict[str, LazyCommand] = {
    "start": LazyCommand(
        "aztec.cli.start:start", "Start the sandbox (--sandbox) or the roles named by flags, until Ctrl-C."
    ),
    "top": LazyCommand(
        "aztec.cli.top:top",
        "Live key figures of a running node: heights, txs/s, pool, block build time, proving queue, CPU, memory.",
    ),
    "telemetry": LazyCommand("aztec.cli.telemetry:app", "The metric registry and the telemetry exporters."),
    "dashboards": LazyCommand("aztec.cli.dashboards:app", "Grafana dashboards generated from the metric registry."),
    "bench": LazyCommand(
        "aztec.cli.bench:app",
        "Benchmarks from metrics: run scenarios into NDJSON, aggregate them, report against a base.",
    ),
    "rpc": LazyCommand("aztec.cli.rpc:app", "The node's JSON-RPC API."),
}
"""Every sub-command of ``aztec``, in the order ``aztec --help`` lists them."""


class LazyGroup(TyperGroup):
    """A Typer group whose sub-commands are imported when invoked, not when listed in the help."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: dict[str, _click.Command] = {}
        self._listing = False

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        lazy = COMMANDS.get(cmd_name)
        if lazy is None:
            return super().get_command(ctx, cmd_name)
        if self._listing:
            return TyperCommand(cmd_name, help=lazy.help, short_help=lazy.help)
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = lazy.load(cmd_name)
        return self._loaded[cmd_name]

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except _click.exceptions.UsageError as error:
            matches = get_close_matches(args[0], list(COMMANDS)) if args else []
            if matches and "Did you mean" not in error.message:
                error.message = error.message.rstrip(".") + f". Did you mean {', '.join(map(repr, matches))}?"
            raise


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


app = typer.Typer(
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=False,
    help="A rollup node with production-grade metrics.",
)


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_print_version, help="Print the version and the commit, and exit."
    ),
) -> None:
    pass


if __name__ == "__main__":
    app()
