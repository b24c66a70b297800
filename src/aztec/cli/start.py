"""``aztec start``: runs the sandbox or a single role."""

from __future__ import annotations

import typer


def start(sandbox: bool = typer.Option(False, "--sandbox", help="Run the whole sandbox.")) -> None:
    """Start the node (not built yet)."""
    raise typer.Exit(2)
