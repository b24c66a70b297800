"""``aztec bench``: run scenarios into NDJSON files, aggregate them, and report against a base."""

from __future__ import annotations

import enum
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from aztec.bench.errors import BenchError, BenchInputError, ScenarioFailedError, ScenarioUnavailableError
from aztec.cli.optional import require_extra
from aztec.foundation.extras import BENCH

if TYPE_CHECKING:
    from aztec.bench.scenarios import Scenario

DEFAULT_REPEATS = 5
"""Runs of every scenario (``aztec.bench.runner`` is not imported for ``--help``; a test keeps them equal)."""

app = typer.Typer(
    no_args_is_help=True,
    help="Benchmarks from metrics: run scenarios into NDJSON, aggregate them, report against a base.",
)
EXIT_BAD_INPUT = 2
EXIT_SCENARIO_FAILED = 1


class OutputFormat(enum.StrEnum):
    BENCH = "bench"
    GITHUB_ACTION_BENCHMARK = "github-action-benchmark"


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(error: BenchError) -> typer.Exit:
    _stderr().print(f"[red]error:[/red] {escape(str(error))}")
    failed = isinstance(error, ScenarioFailedError | ScenarioUnavailableError)
    return typer.Exit(EXIT_SCENARIO_FAILED if failed else EXIT_BAD_INPUT)


@app.command("list")
def list_scenarios() -> None:
    """List the registered scenarios."""
    from aztec.bench.scenarios import SCENARIOS

    for scenario in SCENARIOS.values():
        typer.echo(f"{scenario.name:<16} {scenario.description}")


@app.command()
def run(
    out: Annotated[Path, typer.Option("--out", help="Directory for the NDJSON files: repeat-N/<scenario>.ndjson.")],
    scenario: Annotated[
        list[str] | None, typer.Option("--scenario", "-s", help="Scenario to run (repeatable; default: all).")
    ] = None,
    scale: Annotated[
        float, typer.Option("--scale", help="Multiplies every scenario's size, e.g. 0.1 for a quick run.")
    ] = 1.0,
    repeats: Annotated[
        int,
        typer.Option(
            "--repeats", min=1, help="Runs of every scenario, interleaved; a report needs 2 or more to flag a change."
        ),
    ] = DEFAULT_REPEATS,
    append: Annotated[
        bool,
        typer.Option("--append", help="Add the repeats after those already in --out instead of replacing them."),
    ] = False,
    prover_scale: Annotated[
        float | None,
        typer.Option(
            "--prover-scale",
            help="Native prover cost-model scale (default: --scale, at most 1).",
        ),
    ] = None,
) -> None:
    """Run scenarios with telemetry exporting to NDJSON only; numbers go to the files, not the terminal.

    Put TMPDIR on a tmpfs (TMPDIR=/dev/shm) so that timings measure the node, not the disk."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from aztec.bench.runner import run_scenarios
    from aztec.bench.scenarios import RunSettings, resolve

    try:
        chosen = resolve(scenario)
        settings = RunSettings(scale=scale, prover_scale=prover_scale)
        console = _stderr()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("starting", total=len(chosen) * repeats)

            def started(current: Scenario, repeat: int) -> None:
                progress.update(task, description=f"{current.name} (repeat {repeat})")

            def finished(current: Scenario, repeat: int) -> None:
                progress.advance(task)

            written = run_scenarios(
                chosen, out, settings=settings, repeats=repeats, append=append, on_start=started, on_finish=finished
            )
            progress.update(task, description="done")
    except BenchError as error:
        raise _fail(error) from None
    console.print(f"wrote {len(written)} NDJSON file{'s' if len(written) != 1 else ''} to {escape(str(out))}")


@app.command()
def aggregate(
    directory: Annotated[
        Path, typer.Argument(help="Directory written by `aztec bench run` (its repeat-N/ subdirectories).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the result (bench.json).")],
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="bench: bench.json, {metric: {bucket: value}}; github-action-benchmark: its customSmallerIsBetter "
            "list in --out and its customBiggerIsBetter list in --bigger-out.",
        ),
    ] = OutputFormat.BENCH,
    bigger_out: Annotated[
        Path | None,
        typer.Option(
            "--bigger-out",
            help="With --format github-action-benchmark: where the bigger-is-better list goes "
            "(default: beside --out, NAME.bigger-is-better.json).",
        ),
    ] = None,
    commit: Annotated[
        str | None, typer.Option(help="Commit to record (default: git rev-parse HEAD, or unknown).")
    ] = None,
    timestamp: Annotated[str | None, typer.Option(help="ISO 8601 time to record (default: now, UTC).")] = None,
) -> None:
    """Aggregate a run's NDJSON files: per metric and bucket, every repeat's value, their mean and 99% interval."""
    from aztec.bench.aggregate import aggregate_directory
    from aztec.bench.atomic import write_text_atomic
    from aztec.bench.github_benchmark import TOOLS, dumps_github_benchmark

    try:
        if timestamp is not None:
            _check_timestamp(timestamp)
        if bigger_out is not None and output_format is not OutputFormat.GITHUB_ACTION_BENCHMARK:
            raise BenchInputError("--bigger-out goes with --format github-action-benchmark")
        result = aggregate_directory(directory, timestamp=timestamp, commit=commit)
        if output_format is OutputFormat.BENCH:
            write_text_atomic(out, result.dumps())
            _stderr().print(f"wrote {escape(str(out))} ({result.repeats} repeats)")
            return
        bigger = bigger_out if bigger_out is not None else out.with_name(f"{out.stem}.bigger-is-better{out.suffix}")
        write_text_atomic(out, dumps_github_benchmark(result, "lower"))
        write_text_atomic(bigger, dumps_github_benchmark(result, "higher"))
    except BenchError as error:
        raise _fail(error) from None
    _stderr().print(f"wrote {escape(str(out))} ({TOOLS['lower']}) and {escape(str(bigger))} ({TOOLS['higher']})")


@app.command()
def report(
    bench: Annotated[Path, typer.Argument(help="bench.json of the head (this branch).")],
    out: Annotated[Path, typer.Option("--out", help="Markdown file to write; plots are written beside it.")],
    base: Annotated[
        Path | None, typer.Option("--base", help="bench.json of the base (main) to compare against.")
    ] = None,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Draw PNG plots of the duration series.")] = True,
    image_url: Annotated[
        str | None, typer.Option(help="URL prefix for plot links (default: files beside --out).")
    ] = None,
) -> None:
    """Write the Markdown benchmark comment, with changes against the base and plots."""
    require_extra(BENCH, "aztec bench report")
    from aztec.bench.report import build_report, write_report
    from aztec.bench.schema import load_result

    try:
        head_result = load_result(bench)
        base_result = load_result(base) if base is not None else None
        rendered = build_report(head_result, base_result, plots=plots, image_url=image_url)
        written = write_report(rendered, out)
    except BenchError as error:
        raise _fail(error) from None
    plots_note = f" and {len(written) - 1} plot{'s' if len(written) != 2 else ''}" if len(written) > 1 else ""
    _stderr().print(f"wrote {escape(str(out))}{plots_note}; {rendered.flagged} value(s) flagged")


def _check_timestamp(timestamp: str) -> None:
    try:
        datetime.fromisoformat(timestamp)
    except ValueError:
        raise BenchInputError(f"--timestamp {timestamp!r} is not an ISO 8601 time") from None
