"""Log settings: ``AZTEC_LOG_LEVEL`` (a default level and per-module overrides) and ``AZTEC_LOG_FORMAT``.

The level syntax is the Aztec client's ``LOG_LEVEL``: ``info; debug:sequencer,archiver; warn:p2p`` sets
``info`` everywhere, ``debug`` for ``aztec.sequencer`` and ``aztec.archiver``, ``warn`` for ``aztec.p2p``.
A module is a component folder (``sequencer``) or a full logger name (``aztec.p2p.tx_pool``,
``opentelemetry``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from aztec.foundation.config import ConfigError

LEVELS: Final[dict[str, int]] = {
    "trace": logging.DEBUG,
    "debug": logging.DEBUG,
    "verbose": logging.INFO,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "fatal": logging.CRITICAL,
    "silent": logging.CRITICAL + 10,
}
LOG_FORMATS: Final = ("text", "json")


@dataclass(frozen=True)
class LogSettings:
    level: int = logging.INFO
    overrides: Mapping[str, int] = field(default_factory=dict)
    """Logger name -> level."""
    format: str = "text"


def parse_log_level(spec: str, variable: str = "AZTEC_LOG_LEVEL") -> tuple[int, dict[str, int]]:
    """``info; debug:sequencer,archiver`` -> (INFO, {"aztec.sequencer": DEBUG, "aztec.archiver": DEBUG})."""
    level: int | None = None
    overrides: dict[str, int] = {}
    for part in (p.strip() for p in spec.split(";")):
        if not part:
            continue
        name, _, modules = part.partition(":")
        value = LEVELS.get(name.strip().lower())
        if value is None:
            raise ConfigError(variable, spec, f"unknown level {name.strip()!r}: expected one of {', '.join(LEVELS)}")
        if not modules:
            if level is not None:
                raise ConfigError(variable, spec, "more than one default level (give modules as level:module)")
            level = value
            continue
        for module in (m.strip() for m in modules.split(",")):
            if not module or any(c.isspace() for c in module):
                raise ConfigError(variable, spec, f"bad module name {module!r}")
            overrides[module if "." in module or module == "opentelemetry" else f"aztec.{module}"] = value
    return (logging.INFO if level is None else level), overrides


def parse_log_format(raw: str, variable: str = "AZTEC_LOG_FORMAT") -> str:
    value = raw.strip().lower()
    if value not in LOG_FORMATS:
        raise ConfigError(variable, raw, "expected text or json")
    return value
