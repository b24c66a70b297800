"""Alert rules: promtool check and unit tests, each alert tested firing and silent, names from the registry."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from aztec.deploy.paths import PROMETHEUS_DIR, RULES_DIR
from aztec.deploy.promql import metric_names
from aztec.telemetry.exporters.prometheus_names import SERVICE_INSTANCE_LABEL, label_name, series_index
from aztec.telemetry.registry import all_attributes
from tests.support.prometheus_server import require_binary

RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))
PROMETHEUS_SERIES = frozenset({"up"})
"""Series Prometheus makes itself; every other name in a rule must come from the registry."""
REQUIRED_ALERTS = {
    "AztecNodeDown",
    "AztecNoNewBlocks",
    "AztecProvenChainStalled",
    "AztecWorldStateBehind",
    "AztecTxPoolNearFull",
    "AztecHighTxRejectionRate",
    "AztecProvingJobsFailing",
    "AztecBlockProvingFailed",
    "AztecL1PublisherBalanceLow",
    "AztecHighCpu",
    "AztecHighMemory",
    "AztecEventLoopLag",
    "AztecTelemetryExportFailing",
    "AztecJsonRpcErrorRate",
    # liveness and missing data
    "AztecBotDown",
    "AztecCollectorDown",
    "AztecScrapeTargetsAbsent",
    "AztecMetricsAbsent",
    # rollup operations
    "AztecFollowerBehind",
    "AztecL1Stalled",
    "AztecWorldStateDbNearMapSize",
    "AztecBlockBuildSlowerThanSlot",
    "AztecProvingBacklogGrowing",
    "AztecL1PublishFailing",
    "AztecL1PublishSlow",
}


def _alerts() -> list[dict[str, Any]]:
    return [
        rule
        for path in sorted(RULES_DIR.glob("*.yml"))
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def _promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_binary("promtool"), *map(str, args)], capture_output=True, text=True, check=False, cwd=PROMETHEUS_DIR
    )


def test_promtool_check_rules() -> None:
    result = _promtool("check", "rules", *sorted(RULES_DIR.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("test_file", RULE_TESTS, ids=lambda p: p.name)
def test_promtool_test_rules(test_file: Path) -> None:
    result = _promtool("test", "rules", test_file)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_test_rules_can_fail(tmp_path: Path) -> None:
    """The unit tests are not vacuous: expecting silence where an alert fires makes promtool fail."""
    original = yaml.safe_load((PROMETHEUS_DIR / "tests" / "aztec-node.test.yml").read_text())
    case = next(t for t in original["tests"] if t["name"].startswith("node down fires"))
    for check in case["alert_rule_test"]:
        check["exp_alerts"] = []
    broken = {
        "rule_files": [str(p) for p in sorted(RULES_DIR.glob("*.yml"))],
        "evaluation_interval": "15s",
        "tests": [case],
    }
    (tmp_path / "broken.test.yml").write_text(yaml.safe_dump(broken))
    result = _promtool("test", "rules", tmp_path / "broken.test.yml")
    assert result.returncode != 0 and "AztecNodeDown" in result.stdout + result.stderr


def _rule_id(rule: dict[str, Any]) -> str:
    qualifier = rule["labels"].get("metric") or rule["labels"].get("job") or ""
    return f"{rule['alert']}-{qualifier}" if qualifier else str(rule["alert"])


def test_every_alert_the_issue_lists_exists() -> None:
    assert {rule["alert"] for rule in _alerts()} == REQUIRED_ALERTS


@pytest.mark.parametrize("rule", _alerts(), ids=_rule_id)
def test_each_alert_has_severity_and_operator_guidance(rule: dict[str, Any]) -> None:
    assert rule["labels"]["severity"] in {"critical", "warning"}
    assert rule["annotations"]["summary"].strip()
    description = rule["annotations"]["description"]
    assert len(description) > 120 and any(w in description.lower() for w in ("look at", "check", "see ", "run "))


@pytest.mark.parametrize("rule", _alerts(), ids=_rule_id)
def test_each_alert_is_tested_firing_and_silent(rule: dict[str, Any]) -> None:
    firing = silent = 0
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test") or []:
                if check["alertname"] == rule["alert"]:
                    firing += bool(check["exp_alerts"])
                    silent += not check["exp_alerts"]
    assert firing and silent, f"{rule['alert']}: {firing} firing and {silent} silent checks"


@pytest.mark.parametrize("rule", _alerts(), ids=_rule_id)
def test_every_metric_and_label_in_a_rule_comes_from_the_registry(rule: dict[str, Any]) -> None:
    index = series_index()
    names = metric_names(rule["expr"])
    assert names and names <= index.keys() | PROMETHEUS_SERIES, names - index.keys()
    known_labels = {label_name(k) for k in all_attributes()} | {SERVICE_INSTANCE_LABEL, "service_name", "le"}
    known_labels |= {"job", "instance"}
    grouped = {label for part in rule["expr"].split("by (")[1:] for label in part.split(")")[0].split(", ")}
    assert grouped <= known_labels, grouped - known_labels


def test_every_absent_companion_watches_a_metric_another_alert_reads() -> None:
    """Missing data cannot silence an alert: each AztecMetricsAbsent rule names a metric some other alert reads."""
    alerts = _alerts()
    read_by_others = set().union(*(metric_names(r["expr"]) for r in alerts if r["alert"] != "AztecMetricsAbsent"))
    watched = {r["labels"]["metric"] for r in alerts if r["alert"] == "AztecMetricsAbsent"}
    assert len(watched) >= 8 and watched <= read_by_others, watched - read_by_others
    metric_alerts = {"AztecNoNewBlocks", "AztecTxPoolNearFull", "AztecL1PublisherBalanceLow", "AztecHighCpu"}
    metric_alerts |= {"AztecEventLoopLag", "AztecWorldStateDbNearMapSize", "AztecL1Stalled", "AztecFollowerBehind"}
    for rule in (r for r in alerts if r["alert"] in metric_alerts):
        assert metric_names(rule["expr"]) & watched, f"{rule['alert']} reads no metric with an absent companion"
