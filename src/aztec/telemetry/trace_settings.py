"""Trace settings: the sampler (``OTEL_TRACES_SAMPLER`` / ``OTEL_TRACES_SAMPLER_ARG``) and what a worker
process needs to export its own spans. Kept apart from :mod:`aztec.telemetry.config` (endpoints) so that
each concern has one module.

The sampler names are the OpenTelemetry specification's. The SDK parses them only from ``os.environ``
(a private function), while this project reads settings from a mapping and reports a bad value naming
the variable, so the parsing is here and the samplers are the SDK's (see ``otel/sampling.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from aztec.foundation.config import ConfigError, env_optional_str

SAMPLERS: Final = (
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
)
DEFAULT_SAMPLER: Final = "parentbased_traceidratio"
DEFAULT_RATIO: Final = 0.05
"""The ratio when neither variable is set: one trace in twenty, so that traces on at the default cost at most
3% of CPU per tx (README, Costs); a sampler named explicitly defaults to 1.0, as the specification says."""


@dataclass(frozen=True)
class SamplerSettings:
    name: str = DEFAULT_SAMPLER
    ratio: float = DEFAULT_RATIO

    @property
    def description(self) -> str:
        return f"{self.name} {self.ratio:g}" if self.name.endswith("traceidratio") else self.name

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SamplerSettings:
        raw_name = env_optional_str(env, "OTEL_TRACES_SAMPLER")
        name = DEFAULT_SAMPLER if raw_name is None else raw_name.lower()
        if name not in SAMPLERS:
            raise ConfigError("OTEL_TRACES_SAMPLER", raw_name or "", f"expected one of {', '.join(SAMPLERS)}")
        ratio = DEFAULT_RATIO if raw_name is None else 1.0
        raw_ratio = env_optional_str(env, "OTEL_TRACES_SAMPLER_ARG")
        if raw_ratio is not None and name.endswith("traceidratio"):
            try:
                ratio = float(raw_ratio)
            except ValueError:
                raise ConfigError("OTEL_TRACES_SAMPLER_ARG", raw_ratio, "expected a number in [0, 1]") from None
            if not 0.0 <= ratio <= 1.0:
                raise ConfigError("OTEL_TRACES_SAMPLER_ARG", raw_ratio, "expected a number in [0, 1]")
        return cls(name, ratio)


@dataclass(frozen=True)
class ChildProcessTracing:
    """Picklable: handed to a worker process, which builds its own tracer provider from it."""

    endpoint: str
    export_timeout_ms: int
    sampler: SamplerSettings
    resource_attributes: Mapping[str, str] = field(default_factory=dict)
