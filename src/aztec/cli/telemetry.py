"""``aztec telemetry``: the metric reference and exporter checks."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="The metric registry and the telemetry exporters.")


@app.command()
def metrics(as_json: bool = typer.Option(False, "--json", help="JSON instead of a Markdown table.")) -> None:
    """Print every metric and attribute of the registry: the generated metric reference."""
    from aztec.telemetry.reference import reference_json, reference_markdown

    typer.echo(reference_json() if as_json else reference_markdown(), nl=False)


@app.command()
def check(timeout: float = typer.Option(5.0, help="Seconds to wait for each endpoint.")) -> None:
    """Try each exporter configured in the environment once; exit 1 if any is unreachable."""
    from rich.console import Console

    from aztec.foundation.config import ConfigError
    from aztec.telemetry.check import check_exporters
    from aztec.telemetry.config import TelemetryConfig

    console = Console(highlight=False, soft_wrap=True)
    try:
        config = TelemetryConfig.from_env()
    except ConfigError as error:
        console.print(f"[red]configuration error:[/red] {error}")
        raise typer.Exit(2) from None
    results = check_exporters(config, timeout_s=timeout)
    if not results:
        console.print("No exporter configured: the node runs with the no-op telemetry client.")
        return
    for result in results:
        mark = "[green]ok  [/green]" if result.ok else "[red]FAIL[/red]"
        console.print(f"{mark} {result.exporter:<10} {result.target}  {result.detail}")
    if not all(r.ok for r in results):
        raise typer.Exit(1)
