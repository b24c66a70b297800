"""Prometheus file-based service discovery: the scrape endpoints of this process, in a ``file_sd_configs`` file.

``aztec start --prometheus-sd-file PATH`` writes one target group per scrape endpoint it serves (the bound
address, an OS-chosen port included), labelled ``job`` (the service: ``aztec-node``, ``aztec-bot``),
``role`` and ``service_instance_id``; on a clean stop it removes them again. Several processes on one host
may share one file: each rewrites it under an exclusive lock (``PATH.lock``), keeping the others' groups,
and always atomically (a temporary file in the same directory, then a rename), so Prometheus never reads
half a file. A group left by a process that died is replaced when a service of the same instance id (the
same role on the same data directory) starts again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

WILDCARD_HOSTS: Final = frozenset({"0.0.0.0", "::", ""})

TargetGroup = dict[str, Any]
"""``{"targets": ["host:port"], "labels": {...}}``, as Prometheus's file SD reads it."""


class ServiceDiscoveryFileError(ValueError):
    """The file exists but is not a Prometheus file SD list (another program's, or corrupt)."""


@dataclass(frozen=True)
class ScrapeTarget:
    """One scrape endpoint of this process and the labels Prometheus gives its series."""

    host: str
    port: int
    job: str
    role: str
    instance_id: str

    @property
    def address(self) -> str:
        """``host:port`` as a scraper elsewhere reaches it (a wildcard bind is named by this host's name)."""
        host = socket.getfqdn() if self.host in WILDCARD_HOSTS else self.host
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"

    def group(self) -> TargetGroup:
        return {
            "targets": [self.address],
            "labels": {"job": self.job, "role": self.role, "service_instance_id": self.instance_id},
        }


def read_groups(path: Path) -> list[TargetGroup]:
    """The file's target groups (none when it does not exist or is empty)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
        raise ServiceDiscoveryFileError(f"cannot read {path}: {error}") from None
    if not text.strip():
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ServiceDiscoveryFileError(f"{path} is not JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, list) or not all(isinstance(g, dict) and isinstance(g.get("targets"), list) for g in data):
        raise ServiceDiscoveryFileError(f"{path} is not a Prometheus file SD list of target groups")
    return data


def _is_ours(group: TargetGroup, targets: list[ScrapeTarget]) -> bool:
    """A group of one of these services (same instance id) or on one of their addresses (a stale one)."""
    ids = {t.instance_id for t in targets}
    addresses = {t.address for t in targets}
    labels = group.get("labels") or {}
    return labels.get("service_instance_id") in ids or bool(addresses & set(group.get("targets", [])))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_atomically(path: Path, groups: list[TargetGroup]) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as file:
            json.dump(groups, file, indent=2)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a Prometheus running as another user
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _rewrite(path: Path, targets: list[ScrapeTarget], add: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        try:
            others = [g for g in read_groups(path) if not _is_ours(g, targets)]
        except ServiceDiscoveryFileError:
            others = []  # checked at start-up; corrupted since: ours replace it
        _write_atomically(path, others + ([t.group() for t in targets] if add else []))


def register(path: Path, targets: list[ScrapeTarget]) -> None:
    """Add these targets to the file (replacing stale groups of the same services)."""
    _rewrite(path, targets, add=True)


def deregister(path: Path, targets: list[ScrapeTarget]) -> None:
    """Remove these targets' groups from the file, keeping every other process's."""
    _rewrite(path, targets, add=False)
