"""``aztec dashboards``: generate the Grafana dashboards from the metric registry, or check them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aztec.cli.optional import require_extra
from aztec.deploy.paths import DASHBOARDS_DIR, in_checkout
from aztec.foundation.extras import DASHBOARDS

app = typer.Typer(no_args_is_help=True, help="Grafana dashboards generated from the metric registry.")


@app.command()
def generate(
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 if the committed JSON differs from what the code makes."),
    ] = False,
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Where the dashboard JSON files live (default: deploy/grafana/dashboards of the checkout).",
            show_default=False,
        ),
    ] = None,
    show_diff: Annotated[bool, typer.Option("--diff", help="With --check, print each file's full diff.")] = False,
) -> None:
    """Write deploy/grafana/dashboards/*.json from the dashboard code (or, with --check, compare)."""
    require_extra(DASHBOARDS, "aztec dashboards generate")
    if directory is None:
        if not in_checkout():
            typer.echo(
                "error: aztec dashboards generate needs a checkout of the repository (its deploy/ directory) "
                "and this aztec is an installed package: run `uv run aztec dashboards generate` in the checkout, "
                "or pass --dir DIR",
                err=True,
            )
            raise typer.Exit(2)
        directory = DASHBOARDS_DIR
    from aztec.deploy.dashboards.generate import check, write

    if not check_only:
        changed = write(directory)
        for path in changed:
            typer.echo(f"wrote {path}")
        if not changed:
            typer.echo(f"dashboards in {directory} are up to date")
        return
    drifts = check(directory)
    if not drifts:
        typer.echo(f"dashboards in {directory} match the code")
        return
    for drift in drifts:
        typer.echo(f"{drift.path}: {drift.summary}", err=True)
        if show_diff and drift.diff:
            typer.echo(drift.diff, err=True)
    typer.echo("run `aztec dashboards generate` and commit the result", err=True)
    raise typer.Exit(1)
