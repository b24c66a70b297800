"""The running software's version and, when known, the commit it was built from."""

from __future__ import annotations

import functools
import os
import subprocess
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "aztec-node"


@functools.cache
def package_version() -> str:
    """The installed distribution's version (``0.0.0+unknown`` when run from a bare source tree)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


BUILD_COMMIT_FILE = Path(__file__).with_name("_build_commit")
"""Written into wheels and sdists by the build hook (``hatch_build.py``); absent in a checkout."""


@functools.cache
def git_commit() -> str | None:
    """``AZTEC_GIT_COMMIT`` if set, else the commit baked in at build time, else the checkout's HEAD, else None."""
    from_env = os.environ.get("AZTEC_GIT_COMMIT", "").strip()
    if from_env:
        return from_env
    try:
        baked = BUILD_COMMIT_FILE.read_text().strip()
    except OSError:
        baked = ""
    if baked:
        return baked
    source_root = Path(__file__).resolve().parents[3]
    if not (source_root / ".git").exists():
        return None
    try:
        result = subprocess.run(
            ["git", "-C", str(source_root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


def version_line() -> str:
    """``aztec-node 0.1.0 (commit abc123)``, as ``aztec --version`` prints it."""
    commit = git_commit()
    return f"{DISTRIBUTION} {package_version()}" + (f" (commit {commit})" if commit else "")
