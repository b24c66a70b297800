"""The resource every signal of one client carries: who is sending, which version, on which process and host.

The SDK's own detectors give ``telemetry.sdk.*``, ``process.*``, ``os.*`` and ``host.*``; this client adds
``service.name``, ``service.namespace``, ``service.version`` and ``service.instance.id``, and
``OTEL_RESOURCE_ATTRIBUTES`` wins over everything. The host detector's class is private in SDK 1.45:
:func:`aztec.telemetry.otel.private_api.host_resource_detector` builds it.
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry.sdk.resources import (
    OsResourceDetector,
    ProcessResourceDetector,
    Resource,
    ResourceDetector,
    get_aggregated_resources,
)

from aztec.foundation.version import package_version
from aztec.telemetry.otel.private_api import host_resource_detector

DEFAULT_SERVICE_NAMESPACE = "aztec"


def _detectors() -> list[ResourceDetector]:
    return [ProcessResourceDetector(), OsResourceDetector(), host_resource_detector()]


def build_resource(service_name: str, instance_id: str, attributes: Mapping[str, str]) -> Resource:
    """The SDK's detected attributes, then this service's identity, then the operator's attributes."""
    sdk_defaults = Resource.create({})  # telemetry.sdk.* exactly as the SDK sets them
    sdk = {k: v for k, v in sdk_defaults.attributes.items() if str(k).startswith("telemetry.")}
    detected = get_aggregated_resources(_detectors(), initial_resource=Resource(sdk), timeout=2)
    identity = Resource(
        {
            "service.name": service_name,
            "service.namespace": DEFAULT_SERVICE_NAMESPACE,
            "service.version": package_version(),
            "service.instance.id": instance_id,
        }
    )
    return detected.merge(identity).merge(Resource(dict(attributes)))
