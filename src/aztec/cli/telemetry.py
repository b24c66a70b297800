"""``aztec telemetry``: the metric reference and exporter checks."""

from __future__ import annotations

import typer

from aztec.telemetry.config import DEFAULT_PROMETHEUS_PORT, DEFAULT_SCRAPE_URL

app = typer.Typer(no_args_is_help=True, help="The metric registry and the telemetry exporters.")


@app.command()
def metrics(as_json: bool = typer.Option(False, "--json", help="JSON instead of a Markdown table.")) -> None:
    """Print every metric and attribute of the registry: the generated metric reference."""
    from aztec.telemetry.reference import reference_json, reference_markdown

    typer.echo(reference_json() if as_json else reference_markdown(), nl=False)


@app.command()
def check(
    timeout_raw: str = typer.Option("5", "--timeout", metavar="S", help="Seconds to wait for each endpoint."),
    scrape_url: list[str] = typer.Option(
        [],
        "--scrape-url",
        help=f"A running node's scrape endpoint to check (repeatable; default {DEFAULT_SCRAPE_URL}, if served).",
    ),
) -> None:
    """Check the exporters configured in this environment, and a running node's scrape endpoint; exit 1 on failure.

    A node's own flags (``aztec start --metrics-port``...) are not visible from here: the environment's
    variables are checked as a node started from this shell without flags would use them, and a running
    node is checked at its scrape URL.
    """
    from rich.console import Console
    from rich.markup import escape

    from aztec.foundation.config import ConfigError, parse_float
    from aztec.telemetry.check import check_exporters, check_scrape
    from aztec.telemetry.config import TelemetryConfig

    console = Console(highlight=False, soft_wrap=True)
    try:
        timeout = parse_float("--timeout", timeout_raw, minimum=0.01, maximum=3600)
        config = TelemetryConfig.from_env()
    except ConfigError as error:
        console.print(f"[red]configuration error:[/red] {escape(str(error))}")
        raise typer.Exit(2) from None
    urls = scrape_url or [DEFAULT_SCRAPE_URL]
    console.print(
        "Checking the exporters configured in this environment (OTEL_* and AZTEC_* variables), and a running "
        f"node's scrape endpoint at {', '.join(urls)}:",
        markup=False,
    )
    results = [check_scrape(url, timeout, required=bool(scrape_url)) for url in urls]
    exporters = check_exporters(config, timeout_s=timeout)
    results += exporters
    for result in results:
        mark = "[dim]--  [/dim]" if result.informational else "[green]ok  [/green]" if result.ok else "[red]FAIL[/red]"
        console.print(f"{mark} {result.exporter:<10} {escape(result.target)}  {escape(result.detail)}")
    if not exporters:
        console.print(
            "No exporter configured in this environment: a node started from this shell without flags "
            "would run the no-op telemetry client, except that `aztec start` serves a scrape endpoint on "
            f"its --metrics-port ({DEFAULT_PROMETHEUS_PORT}) unless --no-metrics.",
            markup=False,
        )
    if not all(r.ok for r in results):
        raise typer.Exit(1)
