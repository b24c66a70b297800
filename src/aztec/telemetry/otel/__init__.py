"""The OpenTelemetry-SDK-backed implementation of the telemetry API."""
