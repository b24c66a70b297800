"""docs/runbooks.md: every alert links to its own section, every section belongs to an alert, and every
metric and label a runbook query names comes from the registry."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from aztec.deploy.paths import REPO_ROOT, RULES_DIR
from aztec.deploy.promql import metric_names
from aztec.telemetry.exporters.prometheus_names import SERVICE_INSTANCE_LABEL, label_name, series_index
from aztec.telemetry.registry import all_attributes

RUNBOOKS = REPO_ROOT / "docs" / "runbooks.md"
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
_CODE = re.compile(r"`([^`]+)`")
_PROMETHEUS_SERIES = {"up"}


def _alerts() -> list[dict[str, Any]]:
    return [
        rule
        for path in sorted(RULES_DIR.glob("*.yml"))
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _sections() -> dict[str, str]:
    text = RUNBOOKS.read_text()
    headings = list(_HEADING.finditer(text))
    return {
        anchor(match.group(1)): text[match.end() : headings[i + 1].start() if i + 1 < len(headings) else len(text)]
        for i, match in enumerate(headings)
    }


@pytest.mark.parametrize(
    "rule", _alerts(), ids=lambda r: f"{r['alert']}-{r['labels'].get('metric') or r['labels'].get('job') or ''}"
)
def test_every_alert_has_a_runbook_url_whose_anchor_exists(rule: dict[str, Any]) -> None:
    url = rule["annotations"].get("runbook_url")
    assert url == f"docs/runbooks.md#{rule['alert'].lower()}"
    path, fragment = url.split("#")
    assert (REPO_ROOT / path).is_file()
    assert fragment in _sections(), f"no section '## {rule['alert']}' in {path}"


def test_every_section_belongs_to_an_alert_and_says_what_to_check_and_how_to_fix() -> None:
    alerts = {rule["alert"].lower() for rule in _alerts()}
    sections = _sections()
    assert set(sections) == alerts, (set(sections) - alerts, alerts - set(sections))
    for name, body in sections.items():
        assert "**Means:**" in body and "**Check:**" in body and "**Fix:**" in body, name


def test_every_metric_a_runbook_names_exists() -> None:
    known = series_index().keys() | _PROMETHEUS_SERIES
    labels = {label_name(k) for k in all_attributes()} | {SERVICE_INSTANCE_LABEL, "service_name", "le", "job"}
    unknown = set()
    for code in _CODE.findall(RUNBOOKS.read_text()):
        if not re.search(r"\b(aztec|process|cpython|system)_\w+", code) or code.startswith("aztec "):
            continue
        for name in metric_names(code):
            if re.fullmatch(r"(aztec|process|cpython|system)_\w+", name) and name not in known and name not in labels:
                unknown.add(name)
    assert not unknown, sorted(unknown)


def test_anchor_follows_github() -> None:
    assert anchor("AztecNodeDown") == "aztecnodedown"
    assert anchor("What to do: now!") == "what-to-do-now"
