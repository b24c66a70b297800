"""A writable copy of deploy/ (and the files the node image needs) for tests that break it on purpose."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from aztec.deploy.paths import DEPLOY_DIR, REPO_ROOT


def copy_deploy(tmp_path: Path) -> Path:
    """tmp_path/deploy, a copy of the repository's deploy directory (Terraform and dashboards included)."""
    target = tmp_path / "deploy"
    shutil.copytree(DEPLOY_DIR, target, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    return target


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
