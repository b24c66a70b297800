"""``aztec dashboards``: to be filled in."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="(not built yet)")


@app.command()
def placeholder() -> None:
    """Not built yet."""
    raise typer.Exit(2)
