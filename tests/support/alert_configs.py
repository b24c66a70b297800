"""Test copies of the committed alerting configs: the rules with every duration shortened, the Alertmanager
config posting to a test webhook with short grouping delays. The committed files stay as they are (the
promtool unit tests cover their real durations)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from aztec.deploy.paths import DEPLOY_DIR, RULES_DIR

ALERTMANAGER_CONFIG = DEPLOY_DIR / "alertmanager" / "alertmanager.yml"
_DURATION = re.compile(r"(?<![\w.])(\d+)([smhd])(?![\w])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def scale_durations(text: str, factor: float) -> str:
    """Every Prometheus duration (``5m``, ``[10m]``, ``offset 30m``) in ``text`` multiplied by ``factor``."""

    def scaled(match: re.Match[str]) -> str:
        milliseconds = max(int(int(match.group(1)) * _SECONDS[match.group(2)] * 1000 * factor), 1000)
        return f"{milliseconds}ms"

    return _DURATION.sub(scaled, text)


def rules_test_copy(
    directory: Path,
    *,
    factor: float = 1 / 60,
    change: Callable[[dict[str, Any]], None] | None = None,
) -> Path:
    """Copy every rule file into ``directory`` with durations in ``for`` and in expressions scaled by
    ``factor`` (by default a minute becomes a second; never below 1 s); ``change`` may edit each rule."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in sorted(RULES_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text())
        for group in document["groups"]:
            for rule in group["rules"]:
                rule["expr"] = scale_durations(rule["expr"], factor)
                if "for" in rule:
                    rule["for"] = scale_durations(rule["for"], factor)
                if change is not None:
                    change(rule)
        (directory / path.name).write_text(yaml.safe_dump(document, sort_keys=False))
    return directory


def alertmanager_test_copy(webhook_url: str, overrides: Mapping[str, str] | None = None) -> str:
    """The committed Alertmanager config with every webhook pointed at ``webhook_url`` and the grouping
    delays of every route shortened, so a notification follows an alert within about a second."""
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text())
    timings = {"group_wait": "0s", "group_interval": "1s", "repeat_interval": "1h", **(overrides or {})}

    def shorten(route: dict[str, Any]) -> None:
        for key, value in timings.items():
            if key in route or route is config["route"]:
                route[key] = value
        for child in route.get("routes") or []:
            shorten(child)

    shorten(config["route"])
    for receiver in config["receivers"]:
        for webhook in receiver.get("webhook_configs") or []:
            webhook["url"] = webhook_url
    return yaml.safe_dump(config, sort_keys=False)
