"""The speed benchmarks the README runs, at toy sizes: each path runs end to end and measures something."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.scrape_cost import Data
from bench.telemetry_overhead import Workload

from bench import scrape_cost, telemetry_instructions, telemetry_overhead


def test_scrape_cost_measures_every_renderer_on_the_same_samples() -> None:
    rows = scrape_cost.scrape_rows(Data(4), repeat=1)
    assert [label.split(" (")[0] for label, _, _ in rows][:2] == ["this endpoint", "this endpoint"]
    samples = {samples for _, _, samples in rows}
    assert samples == {4 * scrape_cost.UNIT_SAMPLES + 1, 4 * scrape_cost.UNIT_SAMPLES}  # target_info or not
    assert all(runs and min(runs) >= 0 for _, runs, _ in rows)
    assert scrape_cost.memory_per_series(True, Data(4)) > 0
    exports = scrape_cost.otlp_export_ms(Data(4), repeat=1)
    assert [label for label, _ in exports] == ["this client (local aggregation)", "OpenTelemetry SDK path"]
    encodings = scrape_cost.otlp_encode_ms(Data(4), repeat=1)
    assert [label.split(" ")[0] for label, _ in encodings] == ["OpenTelemetry's", "ours"]
    assert all(runs and min(runs) >= 0 for _, runs in encodings)


def test_telemetry_overhead_replays_the_workload_in_every_mode(tmp_path: Path) -> None:
    workload = Workload.generate(blocks=2, per_block=4)
    sink = telemetry_overhead._Helper("sink", "-")
    try:
        ran = asyncio.run(
            telemetry_overhead.run_round(
                ["off", "prometheus", "otlp", "prometheus-unscraped"],
                workload,
                sink.first_line,
                tmp_path,
                0,
                interval_s=0.0,  # a scrape or an export after every block
            )
        )
    finally:
        sink.stop()
    assert all(mode.cpu_s > 0 for mode in ran.values())
    assert ran["off"].ticks == 0 and ran["prometheus-unscraped"].ticks == 0
    assert ran["prometheus"].ticks == 2 and ran["otlp"].ticks == 2
    assert ran["prometheus"].tick_cpu_s > 0 and ran["otlp"].tick_cpu_s > 0
    assert telemetry_overhead.half_width([1.0, 1.0, 1.0]) == 0.0


@pytest.fixture
def log_levels_restored() -> Iterator[None]:
    """``main()`` quiets the ``aztec`` and ``opentelemetry`` loggers, as a command may: set them back after."""
    loggers = [logging.getLogger(name) for name in ("aztec", "opentelemetry")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)  # setLevel, not the attribute: it also clears the children's level caches


@pytest.mark.usefixtures("log_levels_restored")
def test_telemetry_overhead_command_prints_its_table_and_verdict_at_the_interval_given(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's command with ``--interval``, at its smallest: a warm-up and one round of two modes."""
    argv = ["telemetry_overhead.py", "--rounds", "1", "--blocks", "2", "--txs-per-block", "4"]
    monkeypatch.setattr(sys, "argv", [*argv, "--modes", "off,prometheus", "--interval", "0.001"])
    telemetry_overhead.main()
    out = capsys.readouterr().out
    assert "a scrape or export per 0.001 s of CPU" in out
    assert "| prometheus | " in out
    assert "Target (read at 1 s; this run: 0.001 s): " in out
    assert "(2 scrapes/exports," in out  # one after each of the two blocks


@pytest.mark.parametrize("interval", ["0", "-1", "nan"])
def test_telemetry_overhead_refuses_an_interval_that_is_not_a_positive_number(
    interval: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["telemetry_overhead.py", "--interval", interval])
    with pytest.raises(SystemExit, match=f"--interval must be a positive number of seconds, got {interval}"):
        telemetry_overhead.main()


def test_telemetry_instructions_counts_each_mode_under_callgrind(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's instruction count, at its smallest: two blocks of four txs per mode, under real callgrind."""
    monkeypatch.setattr(sys, "argv", ["telemetry_instructions.py", "--blocks", "2", "--txs-per-block", "4"])
    telemetry_instructions.main()
    rows = {line.split(" | ")[0].strip("| "): line for line in capsys.readouterr().out.splitlines() if "|" in line}
    assert set(rows) >= {"off", "prometheus"}
    off = int(rows["off"].split(" | ")[1].strip(" |").replace(",", ""))
    assert off > 100_000  # a block's pipeline runs millions of instructions per tx; callgrind counted them
    assert "% ± " in rows["prometheus"]
