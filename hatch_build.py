"""Hatch build hook: bakes the commit a distribution is built from into ``aztec/foundation/_build_commit``.

``aztec --version`` reads it (``aztec.foundation.version``). The commit is ``AZTEC_GIT_COMMIT`` when set
(e.g. a Docker build argument), else the checkout's HEAD. A wheel built from the sdist finds the file the
sdist carries. Editable installs get no file: a checkout asks git at run time.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMMIT_FILE = "aztec/foundation/_build_commit"


def _commit(root: Path) -> str | None:
    from_env = os.environ.get("AZTEC_GIT_COMMIT", "").strip()
    if from_env:
        return from_env
    if not (root / ".git").exists():
        return None
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


class BuildCommitHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        commit = _commit(Path(self.root))
        if commit is None:
            return
        self._directory = tempfile.TemporaryDirectory()
        baked = Path(self._directory.name) / "_build_commit"
        baked.write_text(commit + "\n")
        target = COMMIT_FILE if self.target_name == "wheel" else f"src/{COMMIT_FILE}"
        build_data["force_include"][str(baked)] = target

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        directory = getattr(self, "_directory", None)
        if directory is not None:
            directory.cleanup()
