"""The built wheel's metadata and licence, the extras, and the supported Python versions agree with the code."""

from __future__ import annotations

import email
import re
import subprocess
import tarfile
import tomllib
import zipfile
from email.message import Message
from importlib import metadata
from typing import Any

import pytest

from aztec.foundation.extras import EXTRAS
from tests.dist.installed import Distribution
from tests.dist.installed import REPO_ROOT, uv
from tests.dist.installed import OTHER_PYTHONS

UNTESTED_NEXT = "3.14"
"""Allowed by requires-python and installable from wheels (checked here), but no interpreter to test it on."""


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())


def _name(requirement: str) -> str:
    """The canonical distribution name of a requirement string."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


@pytest.fixture(scope="module")
def wheel_metadata(distribution: Distribution) -> Message:
    with zipfile.ZipFile(distribution.wheel) as wheel:
        (path,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(wheel.read(path))


def test_the_wheel_carries_the_licence_and_complete_metadata(
    distribution: Distribution, wheel_metadata: Message
) -> None:
    assert wheel_metadata["License-Expression"] == "Apache-2.0"
    assert wheel_metadata.get_all("License-File") == ["LICENSE"]
    assert wheel_metadata["Author"] == "Aztec node contributors"
    assert wheel_metadata["Summary"]
    assert wheel_metadata["Description-Content-Type"] == "text/markdown"
    assert "pip install" in wheel_metadata.get_payload()  # the README, with its install section
    assert wheel_metadata["Keywords"]
    assert "Specification, https://github.com/AztecProtocol/aztec-packages/issues/7025" in wheel_metadata.get_all(
        "Project-URL", []
    )
    with zipfile.ZipFile(distribution.wheel) as wheel:
        (licence,) = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert wheel.read(licence).decode() == (REPO_ROOT / "LICENSE").read_text()
    text = (REPO_ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text and "END OF TERMS AND CONDITIONS" in text


def test_runtime_requirements_leave_the_extras_out(wheel_metadata: Message) -> None:
    requires = wheel_metadata.get_all("Requires-Dist", [])
    runtime = {_name(r) for r in requires if "extra ==" not in r}
    assert {"matplotlib", "grafana-foundation-sdk"}.isdisjoint(runtime)
    assert set(wheel_metadata.get_all("Provides-Extra", [])) == {extra.name for extra in EXTRAS}


def test_each_extra_provides_the_modules_the_code_checks_for() -> None:
    project = _pyproject()
    optional = project["project"]["optional-dependencies"]
    assert set(optional) == {extra.name for extra in EXTRAS}
    provided_by = metadata.packages_distributions()
    for extra in EXTRAS:
        names = {_name(r) for r in optional[extra.name]}
        for module in extra.modules:
            assert {_name(d) for d in provided_by[module]} <= names, f"{module} is not in extra {extra.name}"
    assert f"aztec-node[{','.join(sorted(optional))}]" in project["dependency-groups"]["dev"]


def test_python_versions_claimed_are_the_ones_tested_and_the_lock_has_wheels_for_them(
    distribution: Distribution,
) -> None:
    """Every locked runtime or extra dependency installs from a Linux wheel (no compiler) on each claimed version."""
    project = _pyproject()["project"]
    claimed = {
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert claimed == {"3.11", *(f"3.{minor}" for minor in OTHER_PYTHONS)}
    assert project["requires-python"] == f">={min(claimed, key=lambda v: int(v.split('.')[1]))}"
    readme = (REPO_ROOT / "README.md").read_text()
    assert "Tested on Python " + ", ".join(sorted(claimed, key=lambda v: int(v.split(".")[1]))) in readme
    installed_on_linux = {
        _name(line)
        for line in distribution.constraints.read_text().splitlines()
        if line and not line.startswith((" ", "#")) and "sys_platform == 'win32'" not in line
    }
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text())
    for package in lock["package"]:
        wheels = [w["url"].rsplit("/", 1)[1] for w in package.get("wheels", [])]
        if package["name"] not in installed_on_linux or any(w.endswith("-none-any.whl") for w in wheels):
            continue
        for version in [*claimed, UNTESTED_NEXT]:  # the README says 3.14 installs from wheels too, untested
            tag = version.replace(".", "")
            linux = [w for w in wheels if "manylinux" in w and "x86_64" in w]
            assert any(f"-cp{tag}-" in w or _abi3_covers(w, int(tag)) for w in linux), (
                f"{package['name']} {package['version']} has no Linux x86_64 wheel for Python {version}"
            )


def _abi3_covers(wheel: str, tag: int) -> bool:
    match = re.search(r"-cp(\d+)-abi3-", wheel)
    return match is not None and int(match.group(1)) <= tag


def test_the_lock_file_matches_pyproject() -> None:
    result = subprocess.run(
        [uv(), "lock", "--check"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_sdist_holds_the_source_tree_and_no_local_state(distribution: Distribution) -> None:
    with tarfile.open(distribution.sdist) as sdist:
        top = {name.split("/")[1] for name in sdist.getnames() if name.count("/") >= 1}
        names = sdist.getnames()
    assert top == {
        *("src", "tests", "bench", "deploy", "docs", "scripts"),
        *("pyproject.toml", "uv.lock", "README.md", "LICENSE", "hatch_build.py", ".gitignore", "PKG-INFO"),
    }
    assert any(name.endswith("/src/aztec/foundation/_build_commit") for name in names)  # for the wheel built from it
