"""``aztec start``: runs the sandbox, or single roles, with a flag and an environment variable per setting.

The options are generated from :data:`aztec.sandbox.settings.START_SETTINGS` (one definition per setting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

import typer

from aztec.foundation.settings import with_options
from aztec.sandbox.settings import CHECKED_SETTINGS, LOG_FORMAT, LOG_LEVEL, ROLE_SWITCHES, START_SETTINGS, STATUS

if TYPE_CHECKING:
    from rich.console import Console

    from aztec.sandbox.roles import StartConfig


@with_options(START_SETTINGS)
def start(**values: Any) -> None:
    """Start the sandbox (--sandbox) or the roles named by flags, until Ctrl-C."""
    # Imported here, not at the top: `aztec start --help` must not load the node (tests/cli/test_startup.py).
    from rich.console import Console
    from rich.markup import escape

    from aztec.foundation.config import ConfigError
    from aztec.sandbox.roles import Roles
    from aztec.sandbox.validation import StartArgs, validate_start

    console = Console(highlight=False, soft_wrap=True)
    on = {s.key: bool(values[s.key]) for s in ROLE_SWITCHES}
    roles = (
        Roles.sandbox()
        if on["sandbox"]
        else Roles(l1=on["l1"], sequencer=on["sequencer"], prover=on["prover"], follower=on["node"], bot=on["bot"])
    )
    if not roles.any:
        console.print("Say what to start: --sandbox, or roles among --l1 --sequencer --prover --node --bot")
        raise typer.Exit(2)
    args = StartArgs(roles=roles, **{s.key: values[s.key] for s in CHECKED_SETTINGS})
    try:
        config = validate_start(args)
    except ConfigError as error:
        console.print(f"[red]cannot start:[/red] {escape(str(error))}")
        raise typer.Exit(2) from None
    live = values[STATUS.key] and sys.stdout.isatty()
    try:
        _configure_logging(values[LOG_LEVEL.key], values[LOG_FORMAT.key], logging.WARNING if live else logging.INFO)
    except ConfigError as error:
        console.print(f"[red]cannot start:[/red] {escape(str(error))}")
        raise typer.Exit(2) from None
    from aztec.sandbox.runner import StartFailedError  # the node's modules, once the settings are known good

    try:
        asyncio.run(_main(config, console, live))
    except StartFailedError:
        raise typer.Exit(2) from None
    except KeyboardInterrupt:  # Ctrl-C before the loop's own handler was installed: no traceback either
        console.print("interrupted")
        raise typer.Exit(130) from None


def _configure_logging(level_spec: str, log_format: str, default_level: int) -> None:
    """Log lines as ``--log-level`` / ``--log-format`` say, stamped with the node's identity and trace ids,
    repeats rate-limited and no traceback below ERROR (:mod:`aztec.foundation.logs`)."""
    from aztec.foundation.logs import add_filters
    from aztec.telemetry.config import TelemetryConfig
    from aztec.telemetry.log_settings import LogSettings, parse_log_format, parse_log_level
    from aztec.telemetry.log_setup import configure_logging

    level, overrides = (default_level, {}) if not level_spec.strip() else parse_log_level(level_spec, LOG_LEVEL.name)
    settings = LogSettings(level, overrides, parse_log_format(log_format, LOG_FORMAT.name))
    telemetry = TelemetryConfig.from_env()
    handler = configure_logging(
        settings, service_name=telemetry.service_name, service_instance_id=telemetry.service_instance_id
    )
    add_filters(handler)


async def _main(config: StartConfig, console: Console, live: bool) -> None:
    from aztec.sandbox.runner import run

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await run(config, stop, console, live=live)
