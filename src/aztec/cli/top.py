"""``aztec top``: to be filled in."""

from __future__ import annotations

import typer


def top() -> None:
    """Live terminal view of a running node (not built yet)."""
    raise typer.Exit(2)
