"""Both Prometheus configs pass `promtool check config`, and their rule files exist."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aztec.deploy.paths import PROMETHEUS_DIR
from tests.support.deploy.consistency import (
    alertmanager_targets,
    apply_metric_relabel,
    load_yaml,
    prometheus_problems,
    scrape_targets,
)
from tests.support.prometheus_server import require_binary

CONFIGS = {"prometheus.yml": "otel-collector", "prometheus.single-host.yml": None}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_promtool_check_config(name: str) -> None:
    promtool = require_binary("promtool")
    result = subprocess.run(
        [promtool, "check", "config", name], cwd=PROMETHEUS_DIR, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # promtool accepts a glob matching nothing; we do not. The single-host config has no collector rules.
    expected = {
        "prometheus.yml": "SUCCESS: 2 rule files found",
        "prometheus.single-host.yml": "SUCCESS: 1 rule files found",
    }
    assert expected[name] in result.stdout


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_rule_files_exist_and_collector_names_are_relabelled(name: str) -> None:
    assert prometheus_problems(PROMETHEUS_DIR / name, collector_job=CONFIGS[name]) == []


def test_single_host_scrapes_the_node_and_the_bot_directly() -> None:
    targets = scrape_targets(load_yaml(PROMETHEUS_DIR / "prometheus.single-host.yml"))
    assert targets == {"aztec-node": ["127.0.0.1:9464", "127.0.0.1:9466"], "aztec-bot": ["127.0.0.1:9465"]}


def test_liveness_jobs_keep_only_the_telemetry_self_metrics() -> None:
    """In the collector setup the node is scraped for `up` and for its telemetry self-metrics (export
    failures must be seen while OTLP export fails); its other samples come through the collector."""
    jobs = {j["job_name"]: j for j in load_yaml(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]}
    for job in ("aztec-node", "aztec-bot"):
        relabel = jobs[job]["metric_relabel_configs"]
        assert apply_metric_relabel(relabel, "process_cpu_time_seconds_total") is None
        for kept in ("aztec_telemetry_export_count_total", "aztec_telemetry_dropped_records_total"):
            assert apply_metric_relabel(relabel, kept) == kept
    assert scrape_targets(load_yaml(PROMETHEUS_DIR / "prometheus.yml"))["otel-collector-telemetry"] == [
        "otel-collector:8888"
    ]
    relabel = jobs["otel-collector"].get("metric_relabel_configs", [])
    assert apply_metric_relabel(relabel, "process_cpu_time_seconds_total") == "process_cpu_time_seconds_total"


def test_a_missing_rule_file_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "prometheus.yml"
    config.write_text((PROMETHEUS_DIR / "prometheus.single-host.yml").read_text())
    assert prometheus_problems(config) == ["prometheus.yml: rule_files 'rules/aztec-node.yml' matches no file"]


def test_both_configs_send_alerts_to_an_alertmanager() -> None:
    assert alertmanager_targets(load_yaml(PROMETHEUS_DIR / "prometheus.yml")) == ["alertmanager:9093"]
    assert alertmanager_targets(load_yaml(PROMETHEUS_DIR / "prometheus.single-host.yml")) == ["127.0.0.1:9093"]


def test_the_fleet_agent_and_central_configs_pass_promtool() -> None:
    """The per-host agent (run by tests/e2e/test_fleet.py) and the central Prometheus with the rules."""
    promtool = require_binary("promtool")
    agent = subprocess.run(
        [promtool, "check", "config", "--agent", "prometheus.agent.yml"],
        cwd=PROMETHEUS_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert agent.returncode == 0 and "SUCCESS" in agent.stdout, agent.stdout + agent.stderr
    central = subprocess.run(
        [promtool, "check", "config", "prometheus.central.yml"],
        cwd=PROMETHEUS_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert central.returncode == 0, central.stdout + central.stderr
    assert "SUCCESS: 1 rule files found" in central.stdout
