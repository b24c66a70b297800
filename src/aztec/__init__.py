"""A small rollup node with production-grade OpenTelemetry metrics."""
