"""``aztec telemetry``: the metric reference and exporter checks."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="The metric registry and the telemetry exporters.")
