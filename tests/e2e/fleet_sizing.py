"""Sizing notes from the topology test's measurements: series, samples and bytes per scrape per role, and
what N nodes send into Prometheus (printed by ``tests/e2e/test_fleet.py``; pasted into deploy/README.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PRODUCTION_SCRAPE_INTERVAL_S: Final = 15.0
"""The deploy configs' scrape interval (the test scrapes every second)."""
BYTES_PER_SAMPLE_ON_DISK: Final = 1.5
"""Prometheus's own figure for its TSDB: "on average ... only around 1-2 bytes per sample" (storage docs)."""
FLEETS: Final = (10, 100, 1_000)


@dataclass(frozen=True)
class Measured:
    per_role_samples: dict[str, float]
    """Samples in one scrape (``scrape_samples_scraped``), by role."""
    per_role_series: dict[str, float]
    """Series in the central Prometheus, by role."""
    per_role_bytes: dict[str, float]
    """Bytes of one scrape (uncompressed text exposition), by role."""
    central_head_series: int
    instances: int


def _fleet(measured: Measured, nodes: int) -> tuple[float, float, float]:
    """(series, samples per second, scrape bytes per second) of one sequencer and ``nodes - 1`` followers."""
    followers = nodes - 1

    def total(values: dict[str, float]) -> float:
        return values["sequencer"] + followers * values["follower"]

    interval = PRODUCTION_SCRAPE_INTERVAL_S
    return (
        total(measured.per_role_series),
        total(measured.per_role_samples) / interval,
        total(measured.per_role_bytes) / interval,
    )


def sizing_table(measured: Measured) -> str:
    """Markdown: the measured figures per role, then N-node fleets at a 15 s scrape interval."""
    lines = [
        f"measured: {measured.instances} instances, {measured.central_head_series:,} series in the central head",
        "",
        "| role | series | samples per scrape | bytes per scrape |",
        "|---|---:|---:|---:|",
    ]
    for role in ("sequencer", "follower", "bot"):
        lines.append(
            f"| {role} | {measured.per_role_series[role]:,.0f} | {measured.per_role_samples[role]:,.0f} "
            f"| {measured.per_role_bytes[role]:,.0f} |"
        )
    lines += [
        "",
        f"| nodes (1 sequencer + followers) | active series | samples/s at {PRODUCTION_SCRAPE_INTERVAL_S:g} s "
        "| scrape bytes/s | disk per day |",
        "|---:|---:|---:|---:|---:|",
    ]
    for nodes in FLEETS:
        series, samples_per_s, bytes_per_s = _fleet(measured, nodes)
        disk_gib = samples_per_s * 86_400 * BYTES_PER_SAMPLE_ON_DISK / 2**30
        kib = bytes_per_s / 1024
        lines.append(f"| {nodes:,} | {series:,.0f} | {samples_per_s:,.0f} | {kib:,.0f} KiB | {disk_gib:,.2f} GiB |")
    return "\n".join(lines)
