"""The build-info gauge: which version, commit and role each running service is (``reth_info`` style)."""

from __future__ import annotations

from aztec.foundation.version import git_commit, package_version
from aztec.telemetry import attributes as a
from aztec.telemetry.api import ObservableResult, TelemetryClient
from aztec.telemetry.metrics.node import NODE_INFO


def register_build_info(telemetry: TelemetryClient, role: str) -> None:
    """Observe ``aztec.node.info`` = 1 with this service's version, commit and role."""
    attributes = {
        a.BUILD_VERSION: package_version(),
        a.BUILD_COMMIT: git_commit() or "unknown",
        a.SERVICE_ROLE: role,
    }

    def observe(result: ObservableResult) -> None:
        result.observe(1, attributes)

    telemetry.get_meter("BuildInfo").create_observable_gauge(NODE_INFO, observe)
