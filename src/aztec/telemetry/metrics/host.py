"""Host and process metrics from OpenTelemetry's system-metrics instrumentation (semantic-convention names)."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import (
    ObservableCounterDefinition,
    ObservableGaugeDefinition,
    ObservableUpDownCounterDefinition,
    ValueType,
    semconv_metric,
)

_GAUGE = ObservableGaugeDefinition
_COUNTER = ObservableCounterDefinition
_UP_DOWN = ObservableUpDownCounterDefinition

SYSTEM_CPU_UTILIZATION: Final = semconv_metric(
    _GAUGE,
    "system.cpu.utilization",
    "1",
    "Share of CPU time per logical CPU and state",
    attributes=(a.HOST_CPU, a.HOST_STATE),
)
SYSTEM_MEMORY_USAGE: Final = semconv_metric(
    _GAUGE,
    "system.memory.usage",
    "By",
    "System memory in use, free and cached",
    attributes=(a.HOST_STATE,),
    value_type=ValueType.INT,
)
SYSTEM_MEMORY_UTILIZATION: Final = semconv_metric(
    _GAUGE, "system.memory.utilization", "1", "Share of system memory per state", attributes=(a.HOST_STATE,)
)
SYSTEM_DISK_IO: Final = semconv_metric(
    _COUNTER,
    "system.disk.io",
    "By",
    "Bytes read from and written to disks",
    attributes=(a.HOST_DEVICE, a.HOST_DIRECTION),
    value_type=ValueType.INT,
)
SYSTEM_DISK_OPERATIONS: Final = semconv_metric(
    _COUNTER,
    "system.disk.operations",
    "operations",
    "Disk read and write operations",
    attributes=(a.HOST_DEVICE, a.HOST_DIRECTION),
    value_type=ValueType.INT,
)
SYSTEM_NETWORK_IO: Final = semconv_metric(
    _COUNTER,
    "system.network.io",
    "By",
    "Bytes sent and received per network device",
    attributes=(a.HOST_DEVICE, a.HOST_DIRECTION),
    value_type=ValueType.INT,
)
SYSTEM_NETWORK_ERRORS: Final = semconv_metric(
    _COUNTER,
    "system.network.errors",
    "errors",
    "Network errors per device and direction",
    attributes=(a.HOST_DEVICE, a.HOST_DIRECTION),
    value_type=ValueType.INT,
)
PROCESS_CPU_TIME: Final = semconv_metric(
    _COUNTER,
    "process.cpu.time",
    "s",
    "CPU seconds used by this process, user and system",
    attributes=(a.HOST_TYPE,),
)
PROCESS_CPU_UTILIZATION: Final = semconv_metric(
    _GAUGE, "process.cpu.utilization", "1", "Share of one CPU used by this process since the last collection"
)
PROCESS_MEMORY_USAGE: Final = semconv_metric(
    _UP_DOWN, "process.memory.usage", "By", "Resident memory of this process", value_type=ValueType.INT
)
PROCESS_MEMORY_VIRTUAL: Final = semconv_metric(
    _UP_DOWN, "process.memory.virtual", "By", "Virtual memory of this process", value_type=ValueType.INT
)
PROCESS_OPEN_FILE_DESCRIPTORS: Final = semconv_metric(
    _UP_DOWN,
    "process.open_file_descriptors",
    "",
    "Open file descriptors of this process",
    value_type=ValueType.INT,
)
PROCESS_THREADS: Final = semconv_metric(
    _UP_DOWN, "process.threads", "", "Threads of this process", value_type=ValueType.INT
)
PROCESS_CONTEXT_SWITCHES: Final = semconv_metric(
    _COUNTER,
    "process.context_switches",
    "",
    "Context switches of this process, voluntary and involuntary",
    attributes=(a.HOST_TYPE,),
    value_type=ValueType.INT,
)
CPYTHON_GC_COLLECTIONS: Final = semconv_metric(
    _COUNTER,
    "cpython.gc.collections",
    "{collection}",
    "Garbage collections per generation",
    attributes=(a.GC_GENERATION, a.GC_GENERATION_LEGACY),
    value_type=ValueType.INT,
)
CPYTHON_GC_COLLECTED_OBJECTS: Final = semconv_metric(
    _COUNTER,
    "cpython.gc.collected_objects",
    "{object}",
    "Objects collected per GC generation",
    attributes=(a.GC_GENERATION, a.GC_GENERATION_LEGACY),
    value_type=ValueType.INT,
)

INSTRUMENTATION_CONFIG: Final[dict[str, list[str] | None]] = {
    "system.cpu.utilization": ["idle", "user", "system", "irq"],
    "system.memory.usage": ["used", "free", "cached"],
    "system.memory.utilization": ["used", "free", "cached"],
    "system.disk.io": ["read", "write"],
    "system.disk.operations": ["read", "write"],
    "system.network.io": ["transmit", "receive"],
    "system.network.errors": ["transmit", "receive"],
    "process.cpu.time": ["user", "system"],
    "process.cpu.utilization": None,
    "process.memory.usage": None,
    "process.memory.virtual": None,
    "process.open_file_descriptors": None,
    "process.threads": None,
    "process.context_switches": ["involuntary", "voluntary"],
    "cpython.gc.collections": None,
    "cpython.gc.collected_objects": None,
}
"""What the system-metrics instrumentation is asked to collect: exactly the metrics defined above."""

SEMCONV_RENAMES: Final[dict[str, str]] = {
    "process.open_file_descriptor.count": PROCESS_OPEN_FILE_DESCRIPTORS.name,
    "process.thread.count": PROCESS_THREADS.name,
}
"""Instrumentation names renamed by a view, because in Prometheus a gauge named ``..._count`` reads as a
histogram's count (``promtool check metrics`` warns): the one deviation from semantic-convention names."""
