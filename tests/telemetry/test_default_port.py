"""The scrape endpoint's default port is written once, as ``DEFAULT_PROMETHEUS_PORT``; code uses the constant."""

from __future__ import annotations

from pathlib import Path

from aztec.cli.top import top
from aztec.sandbox.roles import StartConfig
from aztec.telemetry.config import DEFAULT_PROMETHEUS_PORT, DEFAULT_SCRAPE_URL

SRC = Path(__file__).resolve().parents[2] / "src"
DEFINED_IN = Path("aztec/foundation/otel_defaults.py")


def test_the_default_port_is_written_only_where_it_is_defined() -> None:
    written = {path.relative_to(SRC) for path in SRC.rglob("*.py") if str(DEFAULT_PROMETHEUS_PORT) in path.read_text()}
    assert written == {DEFINED_IN}


def test_the_commands_default_to_it() -> None:
    assert f"http://127.0.0.1:{DEFAULT_PROMETHEUS_PORT}/metrics" == DEFAULT_SCRAPE_URL
    assert top.__defaults__ is not None and DEFAULT_SCRAPE_URL in top.__defaults__
    assert StartConfig.__dataclass_fields__["metrics_port"].default == DEFAULT_PROMETHEUS_PORT
