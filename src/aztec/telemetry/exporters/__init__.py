"""Metric exporters and readers: OTLP push, Prometheus scrape, NDJSON files, console, in-memory."""
