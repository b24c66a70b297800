"""Parsing of settings from environment variables with errors that name the variable and the value."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names both."""

    def __init__(self, variable: str, value: str, reason: str) -> None:
        super().__init__(f"invalid setting {variable}={value!r}: {reason}")
        self.variable = variable
        self.value = value
        self.reason = reason


def _raw(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(env: Mapping[str, str], name: str, default: str) -> str:
    return _raw(env, name) or default


def env_optional_str(env: Mapping[str, str], name: str) -> str | None:
    return _raw(env, name)


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _raw(env, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(name, raw, "expected one of true/false, 1/0, yes/no, on/off")


def env_int(
    env: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    raw = _raw(env, name)
    if raw is None:
        return default
    return parse_int(name, raw, minimum=minimum, maximum=maximum)


def parse_int(name: str, raw: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    try:
        value = int(raw, 10)
    except ValueError:
        raise ConfigError(name, raw, "expected a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(name, raw, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigError(name, raw, f"must be at most {maximum}")
    return value


def parse_float(name: str, raw: str, *, minimum: float | None = None, maximum: float | None = None) -> float:
    """A finite number within the bounds; :class:`ConfigError` naming ``name`` and the value otherwise."""
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, raw, "expected a number") from None
    if not math.isfinite(value):
        raise ConfigError(name, raw, "expected a finite number")
    if minimum is not None and value < minimum:
        raise ConfigError(name, raw, f"must be at least {minimum:g}")
    if maximum is not None and value > maximum:
        raise ConfigError(name, raw, f"must be at most {maximum:g}")
    return value


def env_port(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    """A TCP port (0 lets the OS choose); unset gives ``default``."""
    raw = _raw(env, name)
    if raw is None:
        return default
    return parse_int(name, raw, minimum=0, maximum=65535)


def env_url(env: Mapping[str, str], name: str, *, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    raw = _raw(env, name)
    if raw is None:
        return None
    return parse_url(name, raw, schemes=schemes)


def parse_url(name: str, raw: str, *, schemes: tuple[str, ...] = ("http", "https")) -> str:
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises ValueError on a bad port
    except ValueError as error:
        raise ConfigError(name, raw, f"not a valid URL ({error})") from None
    if parts.scheme not in schemes:
        raise ConfigError(name, raw, f"URL scheme must be one of {', '.join(schemes)}")
    if not parts.hostname:
        raise ConfigError(name, raw, "URL has no host")
    if port is not None and not 0 < port < 65536:
        raise ConfigError(name, raw, "port out of range 1-65535")
    return raw


def env_list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list; blanks are ignored."""
    raw = _raw(env, name)
    if raw is None:
        return ()
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def env_path(env: Mapping[str, str], name: str) -> Path | None:
    raw = _raw(env, name)
    return None if raw is None else Path(raw).expanduser()


def env_choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = _raw(env, name)
    if raw is None:
        return default
    if raw not in choices:
        raise ConfigError(name, raw, f"expected one of {', '.join(choices)}")
    return raw
