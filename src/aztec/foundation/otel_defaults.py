"""The OpenTelemetry specification's defaults that more than one layer writes, once.

The telemetry client and its variables' table (``aztec.telemetry``), and ``aztec start``'s
``--metrics-port`` (above the components, which must not import telemetry to print ``--help``), use them.
"""

from __future__ import annotations

from typing import Final

PROMETHEUS_EXPORTER_PORT: Final = 9464
"""The Prometheus exporter's port (``OTEL_EXPORTER_PROMETHEUS_PORT``'s default)."""
METRIC_EXPORT_INTERVAL_MS: Final = 60_000
"""``OTEL_METRIC_EXPORT_INTERVAL``'s default: ms between push exports."""
METRIC_EXPORT_TIMEOUT_MS: Final = 30_000
"""``OTEL_METRIC_EXPORT_TIMEOUT``'s default: ms for one push export."""
OTLP_TIMEOUT_MS: Final = 10_000
"""``OTEL_EXPORTER_OTLP_TIMEOUT``'s default: ms for one OTLP request."""
