"""``aztec.telemetry``: the node's OpenTelemetry wrapper, as the spec's ``@aztec/telemetry``.

Components depend only on :class:`TelemetryClient` and the registry definitions; the factory decides
whether the client is the no-op one (nothing configured) or OpenTelemetry-backed.
"""

from aztec.telemetry.api import (
    BatchObservableResult,
    BoundCounter,
    BoundGauge,
    BoundHistogram,
    BoundUpDownCounter,
    Counter,
    Gauge,
    Histogram,
    Meter,
    ObservableInstrument,
    ObservableResult,
    Span,
    TelemetryClient,
    Tracer,
    UpDownCounter,
)
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.definitions import AttributeKey, Attributes, MetricDefinition
from aztec.telemetry.factory import create_telemetry_client, telemetry_client_from_env
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.timing import timed

__all__ = [
    "AttributeKey",
    "Attributes",
    "BatchObservableResult",
    "BoundCounter",
    "BoundGauge",
    "BoundHistogram",
    "BoundUpDownCounter",
    "Counter",
    "Gauge",
    "Histogram",
    "Meter",
    "MetricDefinition",
    "NoopTelemetryClient",
    "ObservableInstrument",
    "ObservableResult",
    "Span",
    "TelemetryClient",
    "TelemetryConfig",
    "Tracer",
    "UpDownCounter",
    "create_telemetry_client",
    "telemetry_client_from_env",
    "timed",
]
