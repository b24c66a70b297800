"""The instrument kind is part of a definition's type: mypy refuses a definition of another kind, and the
no-op meter's signatures are the real meter's, so it cannot accept what the real one refuses."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from aztec.telemetry.api import Meter
from aztec.telemetry.definitions import InstrumentKindError, MetricDefinition
from aztec.telemetry.metrics.node import JSON_RPC_REQUEST_COUNT, JSON_RPC_REQUEST_DURATION
from aztec.telemetry.noop import NoopMeter
from aztec.telemetry.otel.meter import OtelMeter
from aztec.telemetry.testing import InMemoryTelemetryClient

ROOT = Path(__file__).resolve().parents[2]
CREATE_METHODS = sorted(name for name in vars(Meter) if name.startswith("create_"))

WRONG_KIND = """
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.node import JSON_RPC_REQUEST_COUNT, JSON_RPC_REQUEST_DURATION
from aztec.telemetry.noop import NoopMeter


def instrument(telemetry: TelemetryClient) -> None:
    meter = telemetry.get_meter("Snippet")
    meter.create_histogram(JSON_RPC_REQUEST_DURATION)
    meter.create_counter(JSON_RPC_REQUEST_COUNT)
    meter.create_histogram(JSON_RPC_REQUEST_COUNT)
    NoopMeter("Snippet").create_gauge(JSON_RPC_REQUEST_COUNT)
"""


def test_mypy_refuses_a_definition_of_another_kind(tmp_path: Path) -> None:
    snippet = tmp_path / "wrong_kind.py"
    snippet.write_text(WRONG_KIND)
    # In a process of its own: mypy raises the interpreter's recursion limit, which would change later tests.
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-error-summary"]
    result = subprocess.run(
        [*command, "--hide-error-context", str(snippet)], capture_output=True, text=True, timeout=300, check=False
    )
    stdout, stderr, status = result.stdout, result.stderr, result.returncode
    errors = [line.split(": error: ", 1)[1] for line in stdout.splitlines() if ": error: " in line]
    assert status == 1, stdout + stderr
    assert errors == [
        'Argument 1 to "create_histogram" of "Meter" has incompatible type "CounterDefinition"; '
        'expected "HistogramDefinition"  [arg-type]',
        'Argument 1 to "create_gauge" of "NoopMeter" has incompatible type "CounterDefinition"; '
        'expected "GaugeDefinition"  [arg-type]',
    ]


@pytest.mark.parametrize("method", CREATE_METHODS)
def test_the_noop_meter_takes_exactly_what_the_real_one_takes(method: str) -> None:
    protocol = typing.get_type_hints(getattr(Meter, method))
    assert typing.get_type_hints(getattr(NoopMeter, method)) == protocol
    assert typing.get_type_hints(getattr(OtelMeter, method)) == protocol
    assert inspect.signature(getattr(NoopMeter, method)) == inspect.signature(getattr(OtelMeter, method))
    definition_type = protocol["definition"]
    assert issubclass(definition_type, MetricDefinition) and definition_type is not MetricDefinition


def test_past_the_type_checker_both_meters_refuse_another_kind(telemetry: InMemoryTelemetryClient) -> None:
    for meter in (NoopMeter("T"), telemetry.get_meter("T")):
        with pytest.raises(InstrumentKindError, match="is defined as a counter, not a histogram"):
            meter.create_histogram(JSON_RPC_REQUEST_COUNT)  # type: ignore[arg-type]
    assert NoopMeter("T").create_histogram(JSON_RPC_REQUEST_DURATION).definition is JSON_RPC_REQUEST_DURATION


def test_a_definition_has_one_kind() -> None:
    with pytest.raises(TypeError, match="one instrument kind"):
        MetricDefinition("aztec.x.count", "1", "x")
