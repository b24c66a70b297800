"""The metric registry: one module per subsystem, each defining its metrics once.

Import definitions from the subsystem module (``from aztec.telemetry.metrics.circuit import
CIRCUIT_SIMULATION_DURATION``); :func:`aztec.telemetry.registry.all_metrics` finds every module here.
"""
