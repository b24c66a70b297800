"""deploy/Dockerfile checked statically (no Docker engine here), its HEALTHCHECK command run for real, and checkov."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aztec.cli.main import COMMANDS
from aztec.deploy.paths import DEPLOY_DIR
from tests.deploy.dockerfile import Stage, env_values, exec_form, instructions, stages
from tests.dist.installed import clean_environment

DOCKERFILE = DEPLOY_DIR / "Dockerfile"
DOCKERIGNORE = DEPLOY_DIR / "Dockerfile.dockerignore"
_DIGEST = re.compile(r"^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$")
_EXACT_TAG = re.compile(r"^[\w./-]+:v?\d+\.\d+\.\d+$")
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL", re.IGNORECASE)
_SECRET_VALUE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[bp]-")


def _start_defaults() -> dict[str, Any]:
    """``aztec start``'s default per environment variable, read from the command's own options."""
    command = COMMANDS["start"].load("start")
    defaults: dict[str, Any] = {}
    for param in command.params:
        envvar = getattr(param, "envvar", None)
        for name in [envvar] if isinstance(envvar, str) else envvar or []:
            default = param.default
            defaults[name] = int(default) if isinstance(default, str) and default.isdigit() else default
    return defaults


def _image() -> Stage:
    return stages(DOCKERFILE)[-1]


def _healthcheck_command() -> list[str]:
    (healthcheck,) = _image().all("HEALTHCHECK")
    options, _, command = healthcheck.arguments.partition(" CMD ")
    assert options.startswith("--") and command, healthcheck.arguments
    return exec_form(command)


def test_every_base_image_is_pinned_by_digest_and_uv_by_its_exact_version() -> None:
    all_stages = stages(DOCKERFILE)
    assert len(all_stages) == 2
    aliases = {stage.alias for stage in all_stages if stage.alias}
    for stage in all_stages:
        assert _DIGEST.match(stage.image), f"FROM {stage.image} is not pinned by digest"
        for copy in stage.all("COPY"):
            source = re.match(r"--from=(\S+)", copy.arguments)
            if source and source.group(1) not in aliases:
                image = source.group(1)
                assert _DIGEST.match(image) or _EXACT_TAG.match(image), f"COPY --from={image} is not pinned"
    assert "by its exact version only" in DOCKERFILE.read_text()  # says so, since uv's image has no digest here


def test_it_builds_from_the_lock_file_without_dev_dependencies() -> None:
    build = stages(DOCKERFILE)[0]
    syncs = [run.arguments for run in build.all("RUN") if "uv sync" in run.arguments]
    assert syncs and all("--frozen" in sync and "--no-dev" in sync for sync in syncs), syncs
    assert "--no-editable" in syncs[-1]
    assert any("uv.lock" in copy.arguments.split() for copy in build.all("COPY"))
    assert not any(
        re.search(r"\bpip3? install\b", run.arguments) for stage in stages(DOCKERFILE) for run in stage.all("RUN")
    )
    assert not any("/uv" in copy.arguments.split() for copy in _image().all("COPY"))  # no uv in the image


def test_every_file_the_build_copies_passes_the_dockerignore() -> None:
    allowed = {line[1:].rstrip("/*") for line in DOCKERIGNORE.read_text().splitlines() if line.startswith("!")}
    assert "**" in DOCKERIGNORE.read_text().splitlines()
    for stage in stages(DOCKERFILE):
        for copy in stage.all("COPY"):
            if copy.arguments.startswith("--from="):
                continue
            *sources, _ = copy.arguments.split()
            for source in sources:
                assert source.rstrip("/") in allowed, f"COPY {source}: excluded by {DOCKERIGNORE.name}"
                assert (DOCKERFILE.parents[1] / source).exists(), f"COPY {source}: not in the repository"


def test_the_image_runs_as_a_non_root_user() -> None:
    users = _image().all("USER")
    assert users, "the image sets no USER (it would run as root)"
    user = users[-1].arguments.split(":")[0]
    assert user not in {"root", "0"}
    created = [run.arguments for run in _image().all("RUN") if "useradd" in run.arguments]
    assert created and re.search(rf"--uid (\d+) .*\b{user}\b", created[0]), created
    entry = [i.keyword for i in _image().instructions]
    assert entry.index("USER") < entry.index("ENTRYPOINT")


def test_ports_and_settings_match_the_start_commands_defaults() -> None:
    defaults = _start_defaults()
    rpc, metrics = defaults["AZTEC_RPC_PORT"], defaults["AZTEC_PROMETHEUS_PORT"]
    (expose,) = _image().all("EXPOSE")
    # The sequencer node's and the follower's JSON-RPC; the node's, bot's and follower's scrape endpoints.
    assert {int(p) for p in expose.arguments.split()} == {rpc, rpc + 1, metrics, metrics + 1, metrics + 2}
    env = env_values(_image())
    assert int(env["AZTEC_PROMETHEUS_PORT"]) == metrics
    assert env["AZTEC_RPC_HOST"] == env["AZTEC_PROMETHEUS_HOST"] == "0.0.0.0"  # the container's ports are published
    assert "AZTEC_RPC_PORT" not in env or int(env["AZTEC_RPC_PORT"]) == rpc
    assert exec_form(_image().all("ENTRYPOINT")[0].arguments) == ["aztec"]
    assert exec_form(_image().all("CMD")[0].arguments) == ["start", "--sandbox"]


def test_the_healthcheck_asks_the_nodes_health_endpoint_on_its_rpc_port() -> None:
    command = _healthcheck_command()
    assert command[:2] == ["python", "-c"]
    code = command[2]
    assert "/healthz" in code
    assert f"os.environ.get('AZTEC_RPC_PORT', '{_start_defaults()['AZTEC_RPC_PORT']}')" in code


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200
    paths: list[str] = []

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[int, type[_Health]]]:
    """A stand-in for the node's RPC listener: answers GET /healthz with a settable status."""
    handler = type("Handler", (_Health,), {"status": 200, "paths": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def test_the_healthcheck_command_passes_on_200_and_fails_otherwise(health_server: tuple[int, type[_Health]]) -> None:
    port, handler = health_server
    code = _healthcheck_command()[2]
    env = {**os.environ, "AZTEC_RPC_PORT": str(port)}

    def healthcheck() -> int:
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, timeout=30, check=False
        ).returncode

    assert healthcheck() == 0
    handler.status = 503
    assert healthcheck() != 0
    assert handler.paths == ["/healthz", "/healthz"]
    server_gone = {**env, "AZTEC_RPC_PORT": "1"}
    refused = subprocess.run(
        [sys.executable, "-c", code], env=server_gone, capture_output=True, timeout=30, check=False
    )
    assert refused.returncode != 0


def test_no_secrets_in_the_image_definition() -> None:
    for instruction in instructions(DOCKERFILE):
        if instruction.keyword in {"ENV", "ARG", "LABEL"}:
            names = [pair.partition("=")[0] for pair in instruction.arguments.split()]
            assert not any(_SECRET_NAME.search(name) for name in names), instruction
    assert not _SECRET_VALUE.search(DOCKERFILE.read_text())
    # The dockerignore excludes everything (**) but an allowlist, which has no secret-looking entry.
    allowed = [line[1:] for line in DOCKERIGNORE.read_text().splitlines() if line.startswith("!")]
    assert not any(re.search(r"(^|/)\.(env|git|ssh)|id_rsa|\.pem$|\.key$", entry) for entry in allowed), allowed


def test_checkov_finds_nothing_wrong_with_the_dockerfile() -> None:
    checkov = Path(sys.executable).parent / "checkov"
    result = subprocess.run(
        [str(checkov), "-f", str(DOCKERFILE), "--framework", "dockerfile", "-o", "json", "--skip-download", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.stdout.strip(), result.stderr
    report: Any = json.loads(result.stdout)
    if isinstance(report, list):
        (report,) = (r for r in report if r.get("check_type") == "dockerfile")
    failed = [(c["check_id"], c["check_name"]) for c in report["results"]["failed_checks"]]
    assert failed == []
    assert report["summary"]["passed"] > 0


def test_the_build_stage_runs_here_and_installs_the_node_without_dev_or_extras(tmp_path: Path) -> None:
    """The build stage's COPY and RUN steps, executed for real in a temp dir (uv from PATH instead of its image).

    Only ``UV_PROJECT_ENVIRONMENT`` (a temp venv) and ``UV_COMPILE_BYTECODE`` (off, for speed) differ from the image.
    """
    build = stages(DOCKERFILE)[0]
    context = DOCKERFILE.parents[1]
    venv = tmp_path / "venv"
    env = {**clean_environment(), **env_values(build), "UV_PROJECT_ENVIRONMENT": str(venv), "UV_COMPILE_BYTECODE": "0"}
    for arg in build.all("ARG"):
        name = arg.arguments.partition("=")[0]
        env[name] = "0123456789ab" if name == "AZTEC_GIT_COMMIT" else env.get(name, "")
    workdir = tmp_path
    for instruction in build.instructions:
        if instruction.keyword == "WORKDIR":
            workdir = tmp_path / instruction.arguments.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif instruction.keyword == "COPY" and not instruction.arguments.startswith("--from="):
            *sources, destination = instruction.arguments.split()
            target = workdir / destination
            for source in sources:
                path = context / source.rstrip("/")
                if path.is_dir():
                    shutil.copytree(path, target, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(path, target / path.name if destination.endswith("/") else target)
        elif instruction.keyword == "RUN":
            assert instruction.arguments.startswith("uv "), f"cannot run {instruction.arguments!r} here"
            result = subprocess.run(
                instruction.arguments,
                shell=True,
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert result.returncode == 0, f"RUN {instruction.arguments}:\n{result.stderr}"

    def run(*command: str) -> str:
        result = subprocess.run(
            command, cwd=tmp_path, env=clean_environment(), capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    python = str(venv / "bin" / "python")
    assert run(str(venv / "bin" / "aztec"), "--version").endswith("(commit 0123456789ab)")
    absent = ("matplotlib", "grafana_foundation_sdk", "pytest")
    assert run(python, "-c", f"import importlib.util as u; print([m for m in {absent} if u.find_spec(m)])") == "[]"
    # Installed, not an editable link to the source.
    assert Path(run(python, "-c", "import aztec; print(aztec.__file__)")).is_relative_to(venv)
