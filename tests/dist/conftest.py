"""One built distribution and one installed wheel per test session (building and installing cost seconds)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.dist.installed import Distribution, Installed, build, install, lock_constraints


@pytest.fixture(scope="session")
def distribution(tmp_path_factory: pytest.TempPathFactory) -> Distribution:
    out = tmp_path_factory.mktemp("dist")
    wheel, sdist = build(out)
    return Distribution(wheel, sdist, lock_constraints(out))


@pytest.fixture(scope="session")
def installed(distribution: Distribution, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel alone (no extras) in a fresh venv of this interpreter's Python."""
    return install(
        distribution.wheel, distribution.constraints, tmp_path_factory.mktemp("venv") / "env", sys.executable
    )


@pytest.fixture(scope="session")
def installed_with_extras(distribution: Distribution, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel with every extra, in its own fresh venv."""
    venv = tmp_path_factory.mktemp("venv-extras") / "env"
    return install(distribution.wheel, distribution.constraints, venv, sys.executable, extras="bench,dashboards")
