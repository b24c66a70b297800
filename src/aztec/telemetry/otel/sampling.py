"""The OpenTelemetry SDK sampler for :class:`~aztec.telemetry.trace_settings.SamplerSettings`."""

from __future__ import annotations

from opentelemetry.sdk.trace import sampling

from aztec.telemetry.trace_settings import SamplerSettings


def build_sampler(settings: SamplerSettings) -> sampling.Sampler:
    name, ratio = settings.name, settings.ratio
    if name == "always_on":
        return sampling.ALWAYS_ON
    if name == "always_off":
        return sampling.ALWAYS_OFF
    if name == "traceidratio":
        return sampling.TraceIdRatioBased(ratio)
    if name == "parentbased_always_on":
        return sampling.ParentBased(sampling.ALWAYS_ON)
    if name == "parentbased_always_off":
        return sampling.ParentBased(sampling.ALWAYS_OFF)
    if name == "parentbased_traceidratio":
        return sampling.ParentBasedTraceIdRatio(ratio)
    raise ValueError(f"unknown sampler {name!r}")
