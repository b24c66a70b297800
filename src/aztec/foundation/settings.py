"""One definition per setting: flag, environment variable, type, bounds, default and help, in one object.

From a tuple of definitions come a command's typer options (:func:`with_options`: the flag, the variables
click reads when the flag is not given, the default), the parsing of a raw value with an error that names
the flag, the variable and the value (``invalid setting --rpc-port / AZTEC_RPC_PORT='70000': must be at
most 65535``), reading a variable-only setting from the environment (:meth:`Setting.from_env`), and the
README's table (:func:`markdown_table`). Light on purpose: ``aztec start --help`` imports it.
"""

from __future__ import annotations

import inspect
import ipaddress
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from aztec.foundation.config import ConfigError

T = TypeVar("T")

_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off"})
_WHOLE: Final = re.compile(r"[+-]?\d+")
HOSTNAME: Final = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
"""A DNS host name (RFC 1123 labels)."""


@dataclass(frozen=True, kw_only=True)
class Setting(Generic[T]):
    """What every kind of setting has; the kinds below add their type, bounds and parsing."""

    key: str
    """The Python name: the command function's parameter and the field of the raw arguments."""
    flag: str | None
    """``--rpc-port`` (``--status/--no-status`` for a switch with both forms); None: a variable only."""
    variable: str | None
    """The environment variable named in errors and tables (None: a flag only)."""
    default: T
    help: str
    """One line: the command's ``--help`` and the README table's meaning column."""
    also_read: tuple[str, ...] = ()
    """Variables read before :attr:`variable` (a standard name that wins over the project's)."""
    metavar: str | None = None
    default_doc: str = ""
    """The default as the README says it, when the value alone says too little (computed defaults)."""
    accepted_doc: str = ""
    """What the README's accepted column says beyond the kind and bounds (cross-field rules)."""

    @property
    def name(self) -> str:
        """The setting in messages: ``--rpc-port / AZTEC_RPC_PORT`` (or whichever of the two exists)."""
        return " / ".join(part for part in (self.flag, self.variable) if part)

    @property
    def variables(self) -> list[str]:
        """Every variable read, in order: the first one set wins."""
        return [*self.also_read, *([self.variable] if self.variable else [])]

    def error(self, raw: object, reason: str) -> ConfigError:
        return ConfigError(self.name, str(raw), reason)

    def parse(self, raw: str) -> T:
        """The value of ``raw``, or :class:`ConfigError` naming this setting."""
        raise NotImplementedError

    def from_env(self, env: Mapping[str, str]) -> T:
        """The first of :attr:`variables` set to something other than blanks, parsed; else the default.

        A bad value names the variable it was read from.
        """
        for variable in self.variables:
            raw = env.get(variable, "")
            if raw.strip():
                try:
                    return self.parse(raw.strip())
                except ConfigError as error:
                    if variable == self.variable:
                        raise
                    name = " / ".join(part for part in (self.flag, variable) if part)
                    raise ConfigError(name, error.value, error.reason) from None
        return self.default

    @property
    def raw_default(self) -> str:
        """The default as the command line would give it (the flag parser hands raw text to :meth:`parse`)."""
        return "" if self.default is None else str(self.default)

    def bounds_doc(self) -> str:
        return ""

    def default_markdown(self) -> str:
        if self.default_doc:
            return self.default_doc
        return "none" if self.default in (None, "", ()) else f"`{self.default}`"

    def accepted_markdown(self) -> str:
        return "; ".join(part for part in (self.bounds_doc(), self.accepted_doc) if part)


@dataclass(frozen=True, kw_only=True)
class TextSetting(Setting[str]):
    """Free-form text, taken as given (what it must be is checked where it is used, e.g. a directory)."""

    def parse(self, raw: str) -> str:
        return raw


@dataclass(frozen=True, kw_only=True)
class IntSetting(Setting[int]):
    """A whole number within ``[minimum, maximum]``."""

    minimum: int
    maximum: int | None = None
    """None: no upper bound."""
    unit: str = ""
    maximum_doc: str = ""
    """The maximum as the README says it, when it is computed (from the CPU count, say)."""

    def parse(self, raw: str) -> int:
        text = raw.strip()
        if not _WHOLE.fullmatch(text):
            raise self.error(raw, "expected a whole number")
        if len(text) > 20 and self.maximum is not None:  # no int() of a megabyte of digits: out of range
            bound = f"at least {self.minimum}" if text.startswith("-") else f"at most {self.maximum}"
            raise self.error(raw, f"must be {bound}")
        try:
            value = int(text)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise self.error(raw, "expected a whole number") from None
        if value < self.minimum:
            raise self.error(raw, f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise self.error(raw, f"must be at most {self.maximum}")
        return value

    def bounds_doc(self) -> str:
        maximum = self.maximum_doc or self.maximum
        if maximum is None:
            return f"at least {self.minimum}{_unit(self.unit)}"
        return f"{self.minimum}-{maximum}{_unit(self.unit)}"

    def default_markdown(self) -> str:
        return self.default_doc or f"{self.default}{_unit(self.unit)}"


@dataclass(frozen=True, kw_only=True)
class FloatSetting(Setting[float]):
    """A finite number within the bounds (``exclusive_minimum``: strictly above the minimum)."""

    minimum: float
    maximum: float
    exclusive_minimum: bool = False
    unit: str = ""

    def parse(self, raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise self.error(raw, "expected a number") from None
        if not math.isfinite(value):
            raise self.error(raw, "expected a finite number")
        if value < self.minimum or (self.exclusive_minimum and value == self.minimum):
            raise self.error(raw, f"must be {'above' if self.exclusive_minimum else 'at least'} {self.minimum:g}")
        if value > self.maximum:
            raise self.error(raw, f"must be at most {self.maximum:g}")
        return value

    @property
    def raw_default(self) -> str:
        return f"{self.default:g}"

    def bounds_doc(self) -> str:
        if self.exclusive_minimum:
            return f"above {self.minimum:g}, at most {self.maximum:g}{_unit(self.unit)}"
        return f"{self.minimum:g}-{self.maximum:g}{_unit(self.unit)}"

    def default_markdown(self) -> str:
        return self.default_doc or f"{self.default:g}{_unit(self.unit)}"


@dataclass(frozen=True, kw_only=True)
class HostSetting(Setting[str]):
    """An IP address or a host name, without surrounding blanks."""

    def parse(self, raw: str) -> str:
        text = raw.strip()
        try:
            ipaddress.ip_address(text)
        except ValueError:
            if not HOSTNAME.match(text):
                raise self.error(raw, "expected an IP address or a host name") from None
        return text

    def bounds_doc(self) -> str:
        return "an IP address or a host name"


@dataclass(frozen=True, kw_only=True)
class ChoiceSetting(Setting[str]):
    """One of a few words."""

    choices: tuple[str, ...]

    def parse(self, raw: str) -> str:
        if raw not in self.choices:
            raise self.error(raw, f"expected {_alternatives(self.choices)}")
        return raw

    def bounds_doc(self) -> str:
        return _alternatives(tuple(f"`{choice}`" for choice in self.choices))


@dataclass(frozen=True, kw_only=True)
class ListSetting(Setting[tuple[str, ...]]):
    """Comma-separated items; blanks are dropped."""

    default: tuple[str, ...] = ()

    def parse(self, raw: str) -> tuple[str, ...]:
        return tuple(item.strip() for item in raw.split(",") if item.strip())

    @property
    def raw_default(self) -> str:
        return ",".join(self.default)

    def bounds_doc(self) -> str:
        return "comma-separated"


@dataclass(frozen=True, kw_only=True)
class PathSetting(Setting[Path | None]):
    """A file path (``~`` expanded); unset: None."""

    default: Path | None = None

    def parse(self, raw: str) -> Path | None:
        return Path(raw).expanduser()

    def bounds_doc(self) -> str:
        return "a file path"


@dataclass(frozen=True, kw_only=True)
class Switch(Setting[bool]):
    """On or off: a flag (``--no-metrics``, ``--status/--no-status``) or a variable (``true``/``false``...)."""

    def parse(self, raw: str) -> bool:
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise self.error(raw, "expected one of true/false, 1/0, yes/no, on/off")

    def bounds_doc(self) -> str:
        return "" if self.flag else "`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`"

    def default_markdown(self) -> str:
        return self.default_doc or ("on" if self.default else "off")


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def _alternatives(words: tuple[str, ...]) -> str:
    if len(words) <= 2:
        return " or ".join(words)
    return f"one of {', '.join(words)}"


def with_options(settings: Iterable[Setting[Any]]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Give a ``def command(**values)`` one typer option per setting: its flag, the variables read when the
    flag is not given (the first one set wins), its default as raw text and its help.

    The command receives each value under the setting's :attr:`~Setting.key`: raw text, for the setting's
    :meth:`~Setting.parse` to check, so a bad value is refused in the settings' own words (the flag parser
    does not echo the value); switches arrive as bools.
    """
    import typer  # here, not at the top: telemetry reads its variables through this module without typer

    parameters = []
    for setting in settings:
        assert setting.flag is not None, f"{setting.key} has no flag"
        switch = isinstance(setting, Switch)
        option: Any = typer.Option(
            setting.default if switch else setting.raw_default,
            setting.flag,
            envvar=setting.variables or None,
            metavar=setting.metavar,
            help=setting.help,
        )
        kind = bool if isinstance(setting, Switch) else str
        parameters.append(
            inspect.Parameter(setting.key, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=kind)
        )

    def decorate(command: Callable[..., T]) -> Callable[..., T]:
        command.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}
        return command

    return decorate


def markdown_table(settings: Iterable[Setting[Any]]) -> str:
    """The README's table of these settings: flag (when any has one), variable, default, accepted, meaning."""
    settings = list(settings)
    with_flags = any(s.flag for s in settings)
    header = ["flag"] if with_flags else []
    header += ["variable", "default", "accepted", "meaning"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in settings:
        cells = [_code(s.flag)] if with_flags else []
        variables = ", ".join([_code(s.variable), *(f"{_code(v)} (wins)" for v in s.also_read)] if s.variable else [])
        cells += [variables, s.default_markdown(), s.accepted_markdown(), s.help]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _code(text: str | None) -> str:
    return f"`{text}`" if text else ""
