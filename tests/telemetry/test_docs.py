"""The README and the generated metric reference stay in step with the code."""

from __future__ import annotations

from pathlib import Path

from aztec.telemetry.config import ENVIRONMENT_VARIABLES
from aztec.telemetry.reference import reference_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_committed_metric_reference_is_current() -> None:
    committed = (ROOT / "docs" / "metrics.md").read_text()
    assert committed == reference_markdown(), "run: uv run aztec telemetry metrics > docs/metrics.md"


def test_readme_documents_every_telemetry_variable() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in ENVIRONMENT_VARIABLES if f"`{name}`" not in readme]
    assert missing == []
