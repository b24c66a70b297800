"""The collector config: every pipeline references defined components, with the settings the stack needs."""

from __future__ import annotations

from typing import Any

import pytest

from aztec.deploy.paths import COLLECTOR_CONFIG
from tests.support.deploy.broken import broken_copy
from tests.support.deploy.consistency import collector_config_problems, collector_ports, collector_problems, load_yaml


@pytest.fixture
def config() -> dict[str, Any]:
    return load_yaml(COLLECTOR_CONFIG)


def test_the_committed_config_is_consistent() -> None:
    assert collector_config_problems() == []


def test_ports(config: dict[str, Any]) -> None:
    assert collector_ports(config) == {
        "otlp_grpc": 4317,
        "otlp_http": 4318,
        "prometheus": 8889,
        "health_check": 13133,
        "telemetry": 8888,
    }


def test_traces_go_to_jaeger_and_logs_to_the_debug_exporter(config: dict[str, Any]) -> None:
    pipelines = config["service"]["pipelines"]
    assert pipelines["traces"] == {
        "receivers": ["otlp"],
        "processors": ["memory_limiter", "batch"],
        "exporters": ["otlp/jaeger"],
    }
    assert config["exporters"]["otlp/jaeger"] == {"endpoint": "jaeger:4317", "tls": {"insecure": True}}
    assert pipelines["logs"]["exporters"] == ["debug/logs"]


def test_pipeline_order_and_exporter_settings(config: dict[str, Any]) -> None:
    metrics = config["service"]["pipelines"]["metrics"]
    assert metrics["processors"][0] == "memory_limiter" and metrics["processors"][-1] == "batch"
    assert config["exporters"]["prometheus"]["resource_to_telemetry_conversion"] == {"enabled": False}
    assert "transform/service_labels" in metrics["processors"]
    assert config["service"]["telemetry"]["metrics"]["readers"][0]["pull"]["exporter"]["prometheus"]["port"] == 8888
    assert config["processors"]["transform/unit_one"]["metric_statements"] == [
        'set(metric.unit, "") where metric.unit == "1"'
    ]


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (["service", "pipelines", "metrics", "exporters"], ["prometheus", "otlp"], "exporter otlp is not defined"),
        (["service", "pipelines", "metrics", "receivers"], ["otlpp"], "receiver otlpp is not defined"),
        (["service", "pipelines", "metrics", "processors"], ["batch", "memory_limiter"], "memory_limiter must be"),
        (
            ["service", "pipelines", "metrics", "processors"],
            ["memory_limiter", "transform/service_labels", "batch"],
            "transform/unit_one is defined",
        ),
        (["service", "extensions"], [], "health_check is not enabled"),
        (
            ["exporters", "prometheus", "resource_to_telemetry_conversion"],
            {"enabled": True},
            "resource_to_telemetry_conversion must be off",
        ),
        (["processors", "transform/service_labels", "metric_statements"], [], "does not copy service.name"),
        (["receivers", "otlp", "protocols", "grpc"], None, "no grpc protocol"),
        (["processors", "batchh"], {}, "unknown component type 'batchh'"),
        (["service", "pipelines", "traces"], None, "no traces pipeline"),
        (["service", "pipelines", "logs"], None, "no logs pipeline"),
        (["service", "pipelines", "traces", "exporters"], ["debug/logs"], "needs an otlp exporter"),
        (["exporters", "prometheus", "enable_open_metrics"], None, "enable_open_metrics must be true"),
    ],
)
def test_a_broken_config_is_reported(config: dict[str, Any], path: list[Any], value: Any, problem: str) -> None:
    problems = collector_problems(broken_copy(config, path, value))
    assert any(problem in p for p in problems), problems
