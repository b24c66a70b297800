"""A command's check for an optional extra: one line on stderr and exit 1 when it is missing."""

from __future__ import annotations

import typer

from aztec.foundation.extras import Extra, MissingExtraError, require


def require_extra(extra: Extra, command: str) -> None:
    """Exit 1 with a one-line message naming the extra to install unless ``extra`` is installed."""
    try:
        require(extra, command)
    except MissingExtraError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
