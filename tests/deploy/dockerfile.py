"""A small Dockerfile reader for static checks: instructions with continuations joined, by stage."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Instruction:
    keyword: str
    """Upper case: FROM, RUN, COPY, ..."""
    arguments: str


@dataclass
class Stage:
    image: str
    alias: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def instructions(path: Path) -> list[Instruction]:
    """Every instruction, comments dropped and ``\\``-continued lines joined."""
    found: list[Instruction] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = pending + line
        pending = ""
        keyword, _, arguments = text.partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip()))
    assert not pending, f"{path} ends in a line continuation"
    return found


def stages(path: Path) -> list[Stage]:
    """The build stages in order; the last is the image."""
    result: list[Stage] = []
    for instruction in instructions(path):
        if instruction.keyword == "FROM":
            words = instruction.arguments.split()
            alias = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            result.append(Stage(words[0], alias))
        else:
            assert result, f"{path}: {instruction.keyword} before FROM"
            result[-1].instructions.append(instruction)
    return result


def env_values(stage: Stage) -> dict[str, str]:
    """``ENV`` assignments of a stage (``KEY=VALUE`` form)."""
    values: dict[str, str] = {}
    for instruction in stage.all("ENV"):
        for pair in shlex.split(instruction.arguments):
            key, sep, value = pair.partition("=")
            assert sep, f"ENV {instruction.arguments!r}: use the KEY=VALUE form"
            values[key] = value
    return values


def exec_form(arguments: str) -> list[str]:
    """The JSON array of an exec-form CMD / ENTRYPOINT / HEALTHCHECK CMD."""
    parsed: Any = json.loads(arguments)
    assert isinstance(parsed, list) and all(isinstance(a, str) for a in parsed), arguments
    return list(parsed)
