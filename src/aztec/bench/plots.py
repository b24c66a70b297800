"""PNG plots of the series a person would rather see than read: a duration's mean per bucket, base and head.

Every duration histogram (unit ``s``) with at least two buckets gets one plot, with the 99% interval of
each mean as an error bar (from the mean down and up to the interval's ends). When one attribute of the
buckets is a number (txs, leaves, blocks) it is the x axis, in numeric order, with one line per value of
the other attributes (tree, ...); otherwise the buckets are grouped horizontal bars, in natural order.
An axis whose values span more than a factor of :data:`LOG_SPAN` is logarithmic. Drawn with matplotlib's
Agg canvas directly, without pyplot's state.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Final

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from aztec.bench.labels import attribute_label, bucket_label, shared_attributes
from aztec.bench.performance import DURATION_UNIT
from aztec.bench.schema import BenchResult, BucketValue
from aztec.bench.series_key import as_number, bucket_key, sorted_buckets

HEAD_COLOUR: Final = "#1f77b4"
BASE_COLOUR: Final = "#aaaaaa"
LINE_COLOURS: Final = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
LOG_SPAN: Final = 10.0
"""Largest over smallest positive value beyond which an axis is logarithmic."""


def plotted_metrics(head: BenchResult) -> list[str]:
    """The metrics that get a plot, in name order."""
    return [
        metric
        for metric, buckets in sorted(head.metrics.items())
        if len(buckets) >= 2 and all(v.kind == "histogram" and v.unit == DURATION_UNIT for v in buckets.values())
    ]


def plot_filename(metric: str) -> str:
    return f"{metric}.png"


def numeric_attribute(values: Sequence[Mapping[str, object]], hidden: frozenset[str]) -> str | None:
    """The one varying attribute whose values are all numbers (``128+`` counts as 128), if there is one."""
    candidates = [
        name
        for name in sorted(set().union(*(set(v) for v in values)) - hidden)
        if all(name in v and _number(v[name]) is not None for v in values)
    ]
    return candidates[0] if len(candidates) == 1 else None


def render_plot(metric: str, head: Mapping[str, BucketValue], base: Mapping[str, BucketValue] | None) -> bytes:
    """The PNG of ``metric``'s mean per bucket, head against base (when there is one)."""
    buffer = io.BytesIO()
    draw_plot(metric, head, base).savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def draw_plot(metric: str, head: Mapping[str, BucketValue], base: Mapping[str, BucketValue] | None) -> Figure:
    """The figure of :func:`render_plot`."""
    keys = sorted_buckets(set(head) | set(base or {}))
    every = {key: (head.get(key) or (base or {})[key]) for key in keys}
    hidden = shared_attributes({key: value.attributes for key, value in every.items()})
    x_name = numeric_attribute([value.attributes for value in every.values()], hidden)
    means = [v.value for v in [*head.values(), *(base or {}).values()]]
    scale, unit = _time_scale(max(means))
    sides = [("head", head, HEAD_COLOUR)]
    if base is not None:
        sides.insert(0, ("base", base, BASE_COLOUR))
    if x_name is not None:
        figure = Figure(figsize=(7.0, 4.2))
        axes = figure.add_subplot()
        _lines(axes, every, sides, x_name, hidden | {x_name}, scale)
        axes.set_xlabel(attribute_label(x_name))
        axes.set_ylabel(f"mean ({unit})")
        if _spans_decades(means):
            _log(axes, "y")
        xs = sorted({_x(value, x_name) for value in every.values()})
        if _spans_decades(xs):
            axes.set_xscale("log", base=2)
        axes.set_xticks(xs, labels=[f"{x:g}" for x in xs])
        axes.xaxis.set_minor_formatter(NullFormatter())
    else:
        figure = Figure(figsize=(7.0, max(3.0, 0.35 * len(keys) * len(sides) + 1.5)))
        axes = figure.add_subplot()
        _bars(axes, keys, every, sides, hidden, scale)
        axes.set_xlabel(f"mean ({unit})")
        if _spans_decades(means):
            _log(axes, "x")
    FigureCanvasAgg(figure)
    shared = ", ".join(
        f"{attribute_label(n)}={bucket_key({n: next(iter(every.values())).attributes[n]})}" for n in sorted(hidden)
    )
    axes.set_title(metric + (f"\n{shared}" if shared else ""), fontsize=10)
    axes.grid(alpha=0.3, which="both")
    axes.legend(fontsize=8)
    figure.tight_layout()
    return figure


Side = tuple[str, Mapping[str, BucketValue], str]


def _lines(
    axes: Axes,
    every: Mapping[str, BucketValue],
    sides: Sequence[Side],
    x_name: str,
    hidden: frozenset[str],
    scale: float,
) -> None:
    groups: dict[str, list[str]] = {}
    for key, value in every.items():
        groups.setdefault(bucket_label(value.attributes, hidden), []).append(key)
    for index, (group, group_keys) in enumerate(groups.items()):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)] if len(groups) > 1 else HEAD_COLOUR
        for side, values, side_colour in sides:
            present = sorted((key for key in group_keys if key in values), key=lambda k: _x(values[k], x_name))
            label = " ".join(part for part in (group, side) if part)
            axes.errorbar(
                [_x(values[key], x_name) for key in present],
                [values[key].value * scale for key in present],
                yerr=_errors([values[key] for key in present], scale),
                marker="o",
                capsize=3,
                color=colour if len(groups) > 1 else side_colour,
                linestyle="--" if side == "base" else "-",
                alpha=0.6 if side == "base" else 1.0,
                label=label,
            )


def _bars(
    axes: Axes,
    keys: Sequence[str],
    every: Mapping[str, BucketValue],
    sides: Sequence[Side],
    hidden: frozenset[str],
    scale: float,
) -> None:
    height = 0.8 / len(sides)
    positions = range(len(keys))
    for offset, (label, values, colour) in enumerate(sides):
        axes.barh(
            [p + offset * height for p in positions],
            [values[key].value * scale if key in values else 0.0 for key in keys],
            xerr=_errors([values.get(key) for key in keys], scale),
            height=height,
            color=colour,
            capsize=2,
            label=label,
        )
    labels = [bucket_label(every[key].attributes, hidden) or key for key in keys]
    axes.set_yticks([p + height * (len(sides) - 1) / 2 for p in positions], labels=labels, fontsize=8)
    axes.invert_yaxis()


def _log(axes: Axes, which: str) -> None:
    """A logarithmic value axis labelled in plain numbers (``0.5``, ``20``), minor ticks unlabelled."""
    axis = axes.yaxis if which == "y" else axes.xaxis
    if which == "y":
        axes.set_yscale("log")
    else:
        axes.set_xscale("log")
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def _errors(values: Sequence[BucketValue | None], scale: float) -> list[list[float]]:
    """Error bars from each mean down and up to its interval's ends (intervals need not be symmetric)."""
    below, above = [], []
    for value in values:
        low, high = value.interval if value is not None and value.interval is not None else (None, None)
        mean = value.value if value is not None else 0.0
        below.append(max(0.0, mean - low) * scale if low is not None else 0.0)
        above.append(max(0.0, high - mean) * scale if high is not None else 0.0)
    return [below, above]


def _x(value: BucketValue, name: str) -> float:
    number = _number(value.attributes[name])
    return number if number is not None else 0.0


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return as_number(str(value).rstrip("+"))


def _spans_decades(values: Sequence[float]) -> bool:
    positive = [v for v in values if v > 0]
    return len(positive) >= 2 and max(positive) / min(positive) > LOG_SPAN


def _time_scale(largest: float) -> tuple[float, str]:
    if largest < 1e-3:
        return 1e6, "µs"
    if largest < 1:
        return 1e3, "ms"
    return 1.0, "s"
