"""Build the distribution as a user would and install it into fresh virtual environments outside the checkout."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
OTHER_PYTHONS = ("12", "13")
"""Minor versions besides this interpreter's that the wheel is tested on when the machine has them."""

_LEAKY_VARIABLES = (
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "UV_PROJECT_ENVIRONMENT",
    "CONDA_PREFIX",
)


def uv() -> str:
    found = shutil.which("uv")
    assert found, "uv is not on PATH (./scripts/test installs it)"
    return found


def clean_environment(bin_dir: Path | None = None) -> dict[str, str]:
    """This process's environment without anything that points at the checkout or configures the node."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _LEAKY_VARIABLES and not key.startswith(("AZTEC_", "OTEL_"))
    }
    if bin_dir is not None:
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def _run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=cwd, env=clean_environment(), capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build(out_dir: Path) -> tuple[Path, Path]:
    """``uv build`` (the sdist, then the wheel from the sdist, as users build); returns (wheel, sdist)."""
    _run([uv(), "build", "--out-dir", str(out_dir), str(REPO_ROOT)], cwd=out_dir)
    (wheel,) = out_dir.glob("*.whl")
    (sdist,) = out_dir.glob("*.tar.gz")
    return wheel, sdist


def lock_constraints(out_dir: Path) -> Path:
    """The lock file's versions of every runtime and extra dependency, as a pip constraints file."""
    path = out_dir / "constraints.txt"
    _run(
        [uv(), "export", "--frozen", "--no-hashes", "--no-dev", "--all-extras", "--no-emit-project", "-o", str(path)],
        cwd=REPO_ROOT,
    )
    return path


@dataclass(frozen=True)
class Distribution:
    """The built wheel and sdist, and the lock's pins as pip constraints."""

    wheel: Path
    sdist: Path
    constraints: Path


@dataclass(frozen=True)
class Installed:
    """A virtual environment with the wheel installed."""

    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def aztec(self) -> Path:
        return self.bin / "aztec"

    def run(self, *args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """The installed ``aztec`` with ``args``, in ``cwd``, with a clean environment."""
        return subprocess.run(
            [str(self.aztec), *args],
            cwd=cwd,
            env=clean_environment(self.bin),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def python(self, code: str, cwd: Path) -> str:
        result = subprocess.run(
            [str(self.bin / "python"), "-c", code],
            cwd=cwd,
            env=clean_environment(self.bin),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()


def install(wheel: Path, constraints: Path, venv: Path, python: str, extras: str = "") -> Installed:
    """A fresh venv at ``venv`` (outside the checkout) with ``wheel[extras]`` and the lock's versions of its deps."""
    _run([uv(), "venv", "--quiet", "--python", python, str(venv)], cwd=venv.parent)
    requirement = f"{wheel}[{extras}]" if extras else str(wheel)
    _run(
        [
            uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            requirement,
            "-c",
            str(constraints),
        ],
        cwd=venv.parent,
    )
    return Installed(venv)


def find_python(minor: str) -> str | None:
    """An interpreter for ``3.<minor>`` on this machine (uv's discovery, then pyenv's versions), or None."""
    result = subprocess.run(
        [uv(), "python", "find", "--no-python-downloads", f"3.{minor}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=clean_environment(),
    )
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = sorted(glob.glob(f"{pyenv_root}/versions/3.{minor}.*/bin/python3.{minor}"))
    return candidates[-1] if candidates else None
