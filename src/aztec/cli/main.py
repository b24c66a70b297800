"""Entry point of the ``aztec`` command: mounts each command group's Typer app."""

from __future__ import annotations

import typer

from aztec.cli import bench, dashboards, rpc, start, telemetry, top

app = typer.Typer(no_args_is_help=True, add_completion=False, help="A rollup node with production-grade metrics.")
app.add_typer(telemetry.app, name="telemetry")
app.add_typer(dashboards.app, name="dashboards")
app.add_typer(bench.app, name="bench")
app.add_typer(rpc.app, name="rpc")
app.command(name="top")(top.top)
app.command(name="start")(start.start)


if __name__ == "__main__":
    app()
