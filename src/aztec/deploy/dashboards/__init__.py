"""Grafana dashboards as code, built from the metric registry with grafana-foundation-sdk."""
