"""The system resources dashboard: CPU, memory, file descriptors, GC, event-loop lag, I/O, telemetry.

Nothing is stacked: services that share a process (the sandbox runs node, bot and follower in one) each
report that process's figures, so adding them up would count the process several times.
"""

from __future__ import annotations

from aztec.deploy.dashboards.spec import Dashboard, Row, Target, timeseries
from aztec.deploy.promql import gauge, legend, quantile, rate
from aztec.telemetry import attributes as a
from aztec.telemetry.exporters.prometheus_names import SERVICE_INSTANCE_LABEL as NODE
from aztec.telemetry.exporters.prometheus_names import SERVICE_NAME_LABEL as SERVICE
from aztec.telemetry.metrics import host, runtime, telemetry

_WHO = (SERVICE, NODE)

CPU_AND_MEMORY = Row(
    "CPU and memory",
    (
        timeseries(
            "Process CPU",
            "CPU seconds per second used by each service, user and system (1 = one core busy).",
            Target(rate(host.PROCESS_CPU_TIME, by=(*_WHO, a.HOST_TYPE)), legend(*_WHO, a.HOST_TYPE)),
            unit="short",
        ),
        timeseries(
            "Host CPU",
            "Share of the host's CPU time per state, averaged over its CPUs.",
            Target(gauge(host.SYSTEM_CPU_UTILIZATION, by=(NODE, a.HOST_STATE), agg="avg"), legend(NODE, a.HOST_STATE)),
            unit="percentunit",
        ),
        timeseries(
            "Process memory",
            "Resident and virtual memory of each service.",
            Target(gauge(host.PROCESS_MEMORY_USAGE, by=_WHO), "resident " + legend(*_WHO)),
            Target(gauge(host.PROCESS_MEMORY_VIRTUAL, by=_WHO), "virtual " + legend(*_WHO)),
            unit="bytes",
        ),
        timeseries(
            "Host memory",
            "The host's memory by state (used, free, cached).",
            Target(gauge(host.SYSTEM_MEMORY_USAGE, by=(NODE, a.HOST_STATE), agg="max"), legend(NODE, a.HOST_STATE)),
            unit="bytes",
        ),
    ),
)

RUNTIME = Row(
    "Python runtime",
    (
        timeseries(
            "Event-loop lag",
            "How late the asyncio loop ran a scheduled timer: p50, p90 and p99. Over 100 ms, requests queue up.",
            *(
                Target(quantile(runtime.EVENT_LOOP_LAG, q, by=_WHO), f"p{int(q * 100)} " + legend(*_WHO))
                for q in (0.5, 0.9, 0.99)
            ),
            unit="s",
        ),
        timeseries(
            "Garbage collections per second",
            "CPython garbage collections, by generation.",
            Target(rate(host.CPYTHON_GC_COLLECTIONS, by=(*_WHO, a.GC_GENERATION)), legend(*_WHO, a.GC_GENERATION)),
        ),
        timeseries(
            "Objects collected per second",
            "Objects the CPython garbage collector freed, by generation.",
            Target(
                rate(host.CPYTHON_GC_COLLECTED_OBJECTS, by=(*_WHO, a.GC_GENERATION)), legend(*_WHO, a.GC_GENERATION)
            ),
            sparse=True,
        ),
        timeseries(
            "File descriptors and threads",
            "Open file descriptors and threads of each service.",
            Target(gauge(host.PROCESS_OPEN_FILE_DESCRIPTORS, by=_WHO), "fds " + legend(*_WHO)),
            Target(gauge(host.PROCESS_THREADS, by=_WHO), "threads " + legend(*_WHO)),
        ),
        timeseries(
            "Context switches per second",
            "Voluntary (waiting on I/O) and involuntary (preempted) context switches.",
            Target(rate(host.PROCESS_CONTEXT_SWITCHES, by=(*_WHO, a.HOST_TYPE)), legend(*_WHO, a.HOST_TYPE)),
        ),
    ),
)

IO = Row(
    "Disk and network",
    (
        timeseries(
            "Disk I/O",
            "Bytes per second read from and written to the host's disks.",
            Target(rate(host.SYSTEM_DISK_IO, by=(NODE, a.HOST_DIRECTION)), legend(NODE, a.HOST_DIRECTION)),
            unit="Bps",
        ),
        timeseries(
            "Network I/O",
            "Bytes per second sent and received by the host.",
            Target(rate(host.SYSTEM_NETWORK_IO, by=(NODE, a.HOST_DIRECTION)), legend(NODE, a.HOST_DIRECTION)),
            unit="Bps",
        ),
    ),
)

TELEMETRY = Row(
    "Telemetry",
    (
        timeseries(
            "Metric exports per minute",
            "Exports attempted by each push exporter (OTLP, NDJSON, console), by outcome; a failure means lost "
            "metrics. Empty when the node only serves its scrape endpoint.",
            Target(
                f"60 * {rate(telemetry.TELEMETRY_EXPORT_COUNT, by=(*_WHO, a.TELEMETRY_EXPORTER, a.OUTCOME))}",
                legend(*_WHO, a.TELEMETRY_EXPORTER, a.OUTCOME),
            ),
            sparse=True,
        ),
        timeseries(
            "Records dropped per second",
            "Records refused because they carried an unbounded attribute, by metric: a bug to fix at the call site.",
            Target(
                rate(telemetry.TELEMETRY_DROPPED_RECORDS, by=(*_WHO, a.TELEMETRY_METRIC)),
                legend(*_WHO, a.TELEMETRY_METRIC),
            ),
            sparse=True,
        ),
    ),
)

SYSTEM_RESOURCES = Dashboard(
    uid="aztec-system-resources",
    title="Aztec system resources",
    description="Generated from the metric registry by `aztec dashboards generate`; edit the code, not the JSON.",
    file_name="system-resources.json",
    rows=(CPU_AND_MEMORY, RUNTIME, IO, TELEMETRY),
)
