"""PNG plots of the series a person would rather see than read: a duration's mean per bucket, base and head.

Every duration histogram (unit ``s``) with at least two buckets gets one plot. Numeric buckets (tx count,
batch size) draw as lines against the number; named buckets (circuits, trees) as grouped bars.
Drawn with matplotlib's Agg canvas directly, without pyplot's global state.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Final

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from aztec.bench.schema import BenchResult, BucketValue
from aztec.bench.series_key import numeric_buckets, sorted_buckets

HEAD_COLOUR: Final = "#1f77b4"
BASE_COLOUR: Final = "#aaaaaa"


def plotted_metrics(head: BenchResult) -> list[str]:
    """The metrics that get a plot, in name order."""
    return [
        metric
        for metric, buckets in sorted(head.metrics.items())
        if len(buckets) >= 2 and all(v.kind == "histogram" and v.unit == "s" for v in buckets.values())
    ]


def plot_filename(metric: str) -> str:
    return f"{metric}.png"


def render_plot(metric: str, head: Mapping[str, BucketValue], base: Mapping[str, BucketValue] | None) -> bytes:
    """The PNG of ``metric``'s mean per bucket, head against base (when there is one)."""
    keys = sorted_buckets(set(head) | set(base or {}))
    largest = max(v.value for v in [*head.values(), *(base or {}).values()])
    scale, unit = _time_scale(largest)
    numeric = numeric_buckets(keys)
    figure = Figure(figsize=(7.0, 4.0 if numeric else max(3.0, 0.45 * len(keys) + 1.5)))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    series = [("head", head, HEAD_COLOUR)]
    if base is not None:
        series.insert(0, ("base", base, BASE_COLOUR))
    if numeric:
        for label, values, colour in series:
            present = [key for key in keys if key in values]
            axes.plot(
                [float(key) for key in present],
                [values[key].value * scale for key in present],
                marker="o",
                color=colour,
                label=label,
            )
        axes.set_xlabel(_attribute_label(head))
        axes.set_ylabel(f"mean ({unit})")
        axes.set_ylim(bottom=0)
    else:
        height = 0.8 / len(series)
        positions = range(len(keys))
        for offset, (label, values, colour) in enumerate(series):
            axes.barh(
                [p + offset * height for p in positions],
                [values[key].value * scale if key in values else 0.0 for key in keys],
                height=height,
                color=colour,
                label=label,
            )
        axes.set_yticks([p + height * (len(series) - 1) / 2 for p in positions], labels=keys)
        axes.invert_yaxis()
        axes.set_xlabel(f"mean ({unit})")
    axes.set_title(metric, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def _time_scale(largest: float) -> tuple[float, str]:
    if largest < 1e-3:
        return 1e6, "µs"
    if largest < 1:
        return 1e3, "ms"
    return 1.0, "s"


def _attribute_label(values: Mapping[str, BucketValue]) -> str:
    names = sorted({name for value in values.values() for name in value.attributes})
    return ", ".join(names) or "bucket"
