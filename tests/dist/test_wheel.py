"""The install path users take: the built wheel in a fresh venv outside the checkout, its ``aztec`` run for real."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from aztec.deploy.paths import DASHBOARDS_DIR
from aztec.telemetry.reference import reference_markdown
from tests.dist.installed import Distribution
from tests.dist.installed import OTHER_PYTHONS, REPO_ROOT, Installed, clean_environment, find_python, install, uv
from tests.e2e.sandbox_process import FAST_SANDBOX_ARGS, SandboxProcess, scrape
from tests.support.polling import wait_until

def _project_version() -> str:
    version: str = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    return version


def _head_commit() -> str:
    return subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()


def _assert_runs_the_sandbox(installed: Installed, work: Path) -> None:
    """A short ``aztec start --sandbox`` from the venv: its endpoint serves the node's metrics; Ctrl-C exits 0."""
    process = SandboxProcess(
        work / "data",
        *FAST_SANDBOX_ARGS,
        program=(str(installed.aztec),),
        cwd=work,
        base_env=clean_environment(installed.bin),
    )
    try:
        url = process.urls()["node_metrics"]

        def a_block_is_committed() -> bool:
            text = scrape(url)
            heights = [
                float(line.rsplit(" ", 1)[1])
                for line in text.splitlines()
                if line.startswith("aztec_world_state_committed_height{") and 'service_name="aztec-node"' in line
            ]
            return bool(heights) and max(heights) >= 1

        wait_until(a_block_is_committed, timeout=60, message="the installed node committing a block (seen on its scrape endpoint)")
        assert process.interrupt() == 0, process.output[-3000:]
    finally:
        process.close()
    assert "Traceback" not in process.output


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed, tmp_path: Path) -> None:
    location = installed.python("import aztec, sys; print(aztec.__file__); print(*sys.path, sep='\\n')", cwd=tmp_path)
    module_file, *path = location.splitlines()
    assert Path(module_file).is_relative_to(installed.venv)
    assert not any(entry and Path(entry).resolve().is_relative_to(REPO_ROOT) for entry in path), path


def test_installed_version_names_the_release_and_the_commit_built_from(installed: Installed, tmp_path: Path) -> None:
    result = installed.run("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"aztec-node {_project_version()} (commit {_head_commit()})"


def test_the_commit_variable_overrides_the_baked_commit(installed: Installed, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(installed.aztec), "--version"],
        cwd=tmp_path,
        env={**clean_environment(installed.bin), "AZTEC_GIT_COMMIT": "0123abcd"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == f"aztec-node {_project_version()} (commit 0123abcd)"


def test_installed_metric_reference_is_the_checkouts(installed: Installed, tmp_path: Path) -> None:
    result = installed.run("telemetry", "metrics", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == reference_markdown()


@pytest.mark.e2e
def test_installed_sandbox_serves_the_nodes_metrics_and_stops_cleanly(installed: Installed, tmp_path: Path) -> None:
    _assert_runs_the_sandbox(installed, tmp_path)


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("bench", "report", "bench.json", "--out", "report.md"), "bench"),
        (("dashboards", "generate", "--check"), "dashboards"),
        (("dashboards", "generate", "--dir", "out"), "dashboards"),
    ],
    ids=["bench report", "dashboards check", "dashboards generate"],
)
def test_a_command_missing_its_extra_names_it_in_one_line(
    installed: Installed, tmp_path: Path, args: tuple[str, ...], extra: str
) -> None:
    result = installed.run(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"pip install 'aztec-node[{extra}]'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_installed_dashboard_generation_needs_a_checkout_or_a_directory(
    installed_with_extras: Installed, tmp_path: Path
) -> None:
    refused = installed_with_extras.run("dashboards", "generate", "--check", cwd=tmp_path)
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "needs a checkout of the repository" in refused.stderr and "--dir DIR" in refused.stderr

    written = installed_with_extras.run("dashboards", "generate", "--dir", "dashboards", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    committed = {p.name: p.read_text() for p in DASHBOARDS_DIR.glob("*.json")}
    generated = {p.name: p.read_text() for p in (tmp_path / "dashboards").glob("*.json")}
    assert generated == committed
    checked = installed_with_extras.run("dashboards", "generate", "--check", "--dir", "dashboards", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr


def test_uv_tool_install_puts_a_working_aztec_on_the_path(distribution: Distribution, tmp_path: Path) -> None:
    env = {**clean_environment(), "UV_TOOL_DIR": str(tmp_path / "tools"), "UV_TOOL_BIN_DIR": str(tmp_path / "bin")}
    installed = subprocess.run(
        [
            uv(),
            "tool",
            "install",
            "--python",
            sys.executable,
            str(distribution.wheel),
            "-c",
            str(distribution.constraints),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    version = subprocess.run(
        [str(tmp_path / "bin" / "aztec"), "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert version.stdout.startswith(f"aztec-node {_project_version()} "), version.stdout + version.stderr


def test_pip_installs_the_wheel_and_finds_its_requirements_met(distribution: Distribution, tmp_path: Path) -> None:
    """pip itself (the venv's, as ``python -m venv`` ships it) accepts the wheel's metadata; ``pip check`` is clean."""
    venv = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, env=clean_environment())
    python = str(venv / "bin" / "python")
    subprocess.run(
        [uv(), "pip", "install", "--quiet", "--python", python, "-r", str(distribution.constraints)],
        check=True,
        timeout=300,
        env=clean_environment(),
    )
    for command in (
        [python, "-m", "pip", "install", "--no-deps", "--no-index", str(distribution.wheel)],
        [python, "-m", "pip", "check"],
        [str(venv / "bin" / "aztec"), "--version"],
    ):
        result = subprocess.run(
            command, cwd=tmp_path, env=clean_environment(), capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"


@pytest.mark.e2e
@pytest.mark.parametrize("minor", OTHER_PYTHONS, ids=lambda minor: f"3.{minor}")
def test_the_wheel_on_other_python_versions(distribution: Distribution, tmp_path: Path, minor: str) -> None:
    python = find_python(minor)
    if python is None:
        pytest.skip(f"no Python 3.{minor} on this machine (uv python find, pyenv): the wheel is untested on it here")
    installed = install(distribution.wheel, distribution.constraints, tmp_path / "env", python)
    assert installed.python("import sys; print(sys.version_info[:2])", cwd=tmp_path) == f"(3, {minor})"
    version = installed.run("--version", cwd=tmp_path)
    assert version.stdout.startswith(f"aztec-node {_project_version()} "), version.stderr
    assert installed.run("telemetry", "metrics", cwd=tmp_path).stdout == reference_markdown()
    _assert_runs_the_sandbox(installed, tmp_path)


def test_installed_benchmarks_run_without_extras_and_report_with_the_bench_extra(
    installed: Installed, installed_with_extras: Installed, tmp_path: Path
) -> None:
    ran = installed.run("bench", "run", "--out", "out", "-s", "telemetry", "--scale", "0.1", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    aggregated = installed.run("bench", "aggregate", "out", "--out", "bench.json", cwd=tmp_path)
    assert aggregated.returncode == 0, aggregated.stderr
    reported = installed_with_extras.run("bench", "report", "bench.json", "--out", "report/report.md", cwd=tmp_path)
    assert reported.returncode == 0, reported.stderr
    assert (tmp_path / "report" / "report.md").read_text().rstrip().endswith("<!-- aztec-benchmark-report -->")
    (plot,) = (tmp_path / "report").glob("*.png")  # drawn by matplotlib, from the extra
    assert plot.read_bytes().startswith(b"\x89PNG")
