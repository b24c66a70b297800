"""Reads the Terraform module with ``hcl2`` (Terraform itself cannot run here): its locals and the files it loads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcl2.api import load as load_hcl

from aztec.deploy.paths import TERRAFORM_DIR

_LOCAL_REF = re.compile(r"\$\{local\.(\w+)\}")
_FILE_CALL = re.compile(r'\bfile\("([^"]+)"\)')
_FILESET_CALL = re.compile(r"\bfileset\(([^,]+),\s*\"([^\"]+)\"\)")


@dataclass(frozen=True)
class FileReference:
    """A ``file()`` or ``fileset()`` in the module, resolved to the repository."""

    expression: str
    path: Path
    pattern: str | None = None

    def matches(self) -> list[Path]:
        if self.pattern is None:
            return [self.path] if self.path.is_file() else []
        return sorted(self.path.glob(self.pattern))


def load_module(directory: Path = TERRAFORM_DIR) -> dict[str, dict[str, Any]]:
    """Every ``.tf`` file of the module, parsed, by file name."""
    modules = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open() as handle:
            modules[path.name] = load_hcl(handle)
    return modules


def string_locals(module: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Locals whose value is a plain string template (paths, names, URLs)."""
    found = {}
    for parsed in module.values():
        for block in parsed.get("locals", []):
            for name, value in block.items():
                if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
                    found[name] = value[0]
    return found


def _resolve(text: str, local_values: dict[str, str], module_dir: Path) -> str:
    for _ in range(10):
        text = _LOCAL_REF.sub(lambda m: local_values.get(m.group(1), m.group(0)), text)
    return text.replace("${path.module}", str(module_dir))


def file_references(directory: Path = TERRAFORM_DIR) -> list[FileReference]:
    """Every file the module reads with ``file()`` or ``fileset()`` and a static path."""
    local_values = string_locals(load_module(directory))
    references = []
    for path in sorted(directory.glob("*.tf")):
        text = path.read_text()
        for match in _FILE_CALL.finditer(text):
            resolved = _resolve(match.group(1), local_values, directory)
            if "${" not in resolved:
                references.append(FileReference(match.group(0), Path(resolved).resolve()))
        for match in _FILESET_CALL.finditer(text):
            resolved = _resolve("${" + match.group(1).strip() + "}", local_values, directory)
            resolved = resolved[2:-1] if resolved.startswith("${") else resolved
            references.append(FileReference(match.group(0), Path(resolved).resolve(), match.group(2)))
    return references
