"""Where the deploy files live in the repository."""

from __future__ import annotations

from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parents[3]
DEPLOY_DIR: Final = REPO_ROOT / "deploy"
DASHBOARDS_DIR: Final = DEPLOY_DIR / "grafana" / "dashboards"
PROMETHEUS_DIR: Final = DEPLOY_DIR / "prometheus"
RULES_DIR: Final = PROMETHEUS_DIR / "rules"
COLLECTOR_CONFIG: Final = DEPLOY_DIR / "otel-collector" / "config.yaml"
COMPOSE_FILE: Final = DEPLOY_DIR / "docker-compose.yml"
TERRAFORM_DIR: Final = DEPLOY_DIR / "terraform"


def in_checkout() -> bool:
    """Whether this code runs from a checkout of the repository (not an installed wheel), so deploy/ exists."""
    return (REPO_ROOT / "pyproject.toml").is_file() and DEPLOY_DIR.is_dir()
