"""The OpenTelemetry-SDK-backed implementation of the telemetry API.

``client`` owns the SDK providers and readers; ``meter`` creates instruments. Synchronous instruments
record into ``cells`` through ``local_instruments`` and ``local_series`` (local aggregation, the
default), and ``local_aggregation`` hands their data to every reader through ``sdk_bridge``; with local
aggregation off, ``instruments`` records through the SDK. ``observable`` serves asynchronous instruments,
``guard`` keeps unbounded attributes off metrics, ``tracer`` wraps spans.
"""
