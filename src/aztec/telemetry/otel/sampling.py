"""The OpenTelemetry SDK sampler for :class:`~aztec.telemetry.trace_settings.SamplerSettings`."""

from __future__ import annotations

import threading

from opentelemetry.sdk.trace import sampling
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

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


def unsampled_root_bound(settings: SamplerSettings) -> int | None:
    """For a parent-based sampler whose root decision depends on the trace id alone, the bound under which
    the low 64 bits of a root's trace id are sampled (as :class:`sampling.TraceIdRatioBased` decides);
    None for the other samplers. The tracer uses it to decide a root itself and skip the SDK when unsampled.
    """
    if settings.name == "parentbased_traceidratio":
        return sampling.TraceIdRatioBased.get_bound_for_rate(settings.ratio)
    if settings.name == "parentbased_always_off":
        return 0
    return None


class PresetIdGenerator(RandomIdGenerator):
    """The SDK's random ids, except that a root's trace id can be chosen first (per thread), so that the
    SDK's sampler decides on the trace id that the tracer has already decided on."""

    def __init__(self) -> None:
        self._preset = threading.local()

    def preset_trace_id(self, trace_id: int) -> None:
        """The trace id of the next root span started on this thread."""
        self._preset.trace_id = trace_id

    def generate_trace_id(self) -> int:
        trace_id: int | None = getattr(self._preset, "trace_id", None)
        if trace_id is None:
            return super().generate_trace_id()
        self._preset.trace_id = None
        return trace_id
