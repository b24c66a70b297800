"""Renders :class:`~aztec.top.figures.Figures` as a rich table (one frame of ``aztec top``)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from aztec.top.figures import Figures

MISSING = "-"


def _number(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.0f}"


def _rate(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.2f}/s"


def _duration(value: float | None) -> str:
    if value is None:
        return MISSING
    if value < 1:
        return f"{value * 1000:,.1f} ms"
    return f"{value:,.2f} s"


def _bytes(value: float | None) -> str:
    if value is None:
        return MISSING
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:,.1f} {unit}" if unit != "B" else f"{value:,.0f} B"
        value /= 1024
    raise AssertionError("unreachable")


def rows(figures: Figures) -> list[tuple[str, str, str]]:
    """(section, figure, value) for every line of the view."""
    pool = _number(figures.pending_txs)
    if figures.pool_capacity is not None:
        pool += f" / {_number(figures.pool_capacity)}"
    cpu = MISSING if figures.cpu_cores is None else f"{figures.cpu_cores * 100:,.0f}% of a core"
    return [
        ("Chain", "Proposed block", _number(figures.proposed_height)),
        ("Chain", "Proven block", _number(figures.proven_height)),
        ("Transactions", "Received", _rate(figures.txs_received_per_s)),
        ("Transactions", "Mined", _rate(figures.txs_mined_per_s)),
        ("Transactions", "Pending in pool", pool),
        ("Sequencer", "Block build p50", _duration(figures.block_build_p50_s)),
        ("Sequencer", "Block build p95", _duration(figures.block_build_p95_s)),
        ("Proving", "Jobs queued or running", _number(figures.proving_queue)),
        ("Process", "CPU", cpu),
        ("Process", "Memory (resident)", _bytes(figures.memory_bytes)),
        ("Process", "Event-loop lag p50", _duration(figures.event_loop_lag_p50_s)),
        ("Process", "Event-loop lag p99", _duration(figures.event_loop_lag_p99_s)),
    ]


def frame(figures: Figures | None, url: str, error: str | None = None) -> RenderableType:
    """One screen: a title, the figures table (if any) and the last error (if any)."""
    title = f"aztec top · {url}"
    if figures is not None:
        title += f" · rates and quantiles over {figures.interval_s:,.1f} s"
    table = Table(expand=False)
    table.add_column("", style="bold cyan")
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    if figures is not None:
        previous = None
        for section, name, value in rows(figures):
            table.add_row(section if section != previous else "", name, value)
            previous = section
    parts: list[RenderableType] = [Text(title, style="bold"), table]
    if error is not None:
        parts.append(Text(f"⚠ {error}", style="bold red"))
    elif figures is None:
        parts.append(Text("waiting for a second scrape…", style="dim"))
    return Group(*parts)
