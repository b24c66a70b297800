"""Where ``aztec --version`` gets the commit: the variable, then the commit baked in at build time, then git."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from aztec.foundation import version
from tests.cli.importtime import aztec_command

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    version.git_commit.cache_clear()
    yield
    version.git_commit.cache_clear()


def _head() -> str:
    return subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_checkout_reports_its_head(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZTEC_GIT_COMMIT", raising=False)
    assert not version.BUILD_COMMIT_FILE.exists()  # the editable install carries no baked commit
    assert version.version_line() == f"aztec-node {metadata.version('aztec-node')} (commit {_head()})"


def test_the_variable_wins_over_the_baked_commit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    baked = tmp_path / "_build_commit"
    baked.write_text("baked1234567\n")
    monkeypatch.setattr(version, "BUILD_COMMIT_FILE", baked)
    monkeypatch.delenv("AZTEC_GIT_COMMIT", raising=False)
    assert version.git_commit() == "baked1234567"
    version.git_commit.cache_clear()
    monkeypatch.setenv("AZTEC_GIT_COMMIT", "fromenv")
    assert version.git_commit() == "fromenv"


def test_aztec_version_prints_the_version_line() -> None:
    result = subprocess.run([aztec_command(), "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert result.stdout.strip() == version.version_line()
