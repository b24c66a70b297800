"""``aztec top``: a live terminal view of a running node, read from its Prometheus metrics endpoint."""

from __future__ import annotations

import collections
import time
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aztec.top.figures import Figures
    from aztec.top.scrape import Snapshot


def top(
    url: Annotated[str, typer.Option(help="The node's metrics endpoint.")] = "http://127.0.0.1:9464/metrics",
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between scrapes.")] = 2.0,
    window: Annotated[
        float, typer.Option(min=0.0, help="Seconds of history for rates and quantiles (0: the last interval only).")
    ] = 30.0,
    count: Annotated[int, typer.Option(min=0, help="Stop after this many scrapes (0: run until Ctrl-C).")] = 0,
) -> None:
    """Live key figures of a running node: heights, txs/s, pool, block build time, proving queue, CPU, memory."""
    from rich.console import Console
    from rich.live import Live

    from aztec.top.figures import compute
    from aztec.top.scrape import ScrapeError, fetch, parse
    from aztec.top.view import frame

    console = Console()
    history: collections.deque[Snapshot] = collections.deque()
    figures: Figures | None = None
    scrapes = 0
    with Live(frame(None, url), console=console, auto_refresh=False, transient=False) as live:
        try:
            while count == 0 or scrapes < count:
                if scrapes:
                    time.sleep(interval)
                scrapes += 1
                error = None
                try:
                    snapshot = parse(fetch(url, timeout_s=max(1.0, interval)), time.monotonic())
                except ScrapeError as failure:
                    error = f"{failure} (retrying every {interval:g} s)"
                else:
                    history.append(snapshot)
                    while len(history) > 2 and snapshot.at - history[1].at >= window:
                        history.popleft()
                    if len(history) >= 2:
                        figures = compute(history[0], snapshot)
                live.update(frame(figures, url, error), refresh=True)
        except KeyboardInterrupt:
            pass
