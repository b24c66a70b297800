"""The report's flags carry information: a commit against itself flags nothing; a real slowdown is flagged.

The real scenarios, scaled down, through the CLI as a user runs them: ``aztec bench run`` twice on this
commit (base and head), and the circuits scenario once more with the native prover's cost model 20 times
heavier: the full model instead of the one scaled like the run (``--prover-scale``, the setting a user
would change; no test-only code path). Five repeats each, the default, alternated with ``--append`` as
the README says to compare on a busy machine. With three, a series whose repeats were all slowed by a
neighbour's burst of load (here about one repeat in four of a short scenario) while the other side's
were not was flagged in about one comparison in four. A module
fixture runs them once for both tests.

As the README advises, the scenarios' state (LMDB, SQLite) lives on a tmpfs (``TMPDIR`` under
``/dev/shm``): on this shared machine's disk an fsync takes from 1 to 100 ms depending on the
neighbours, which no number of repeats averages out, and the timings would measure the disk.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aztec.bench.compare import WORSE_SIGN
from aztec.bench.report import build_report, rows_of
from aztec.bench.runner import DEFAULT_REPEATS
from aztec.bench.scenarios import SCENARIOS, RunSettings
from aztec.bench.schema import BenchResult, load_result
from aztec.cli.main import app
from aztec.telemetry.metrics.circuit import CIRCUIT_PROVING_DURATION

SCALE = 0.05
REPEATS = DEFAULT_REPEATS
SLOWDOWN = 20
"""The slow run's native prover cost-model scale, over the default one at this scale."""
TMPFS = Path("/dev/shm")


@dataclass(frozen=True)
class Runs:
    base: BenchResult
    head: BenchResult
    slow: BenchResult
    """Only the circuits scenario, with the heavier prover."""


def _run(out: Path, *extra: str) -> None:
    """One repeat of ``aztec bench run``, appended to ``out``."""
    args = ["bench", "run", "--out", str(out), "--scale", str(SCALE), "--repeats", "1", "--append", *extra]
    ran = CliRunner().invoke(app, args)
    assert ran.exit_code == 0, ran.output


def _aggregate(out: Path) -> BenchResult:
    bench = out.with_suffix(".json")
    aggregated = CliRunner().invoke(app, ["bench", "aggregate", str(out), "--out", str(bench), "--commit", out.name])
    assert aggregated.exit_code == 0, aggregated.output
    result = load_result(bench)
    assert result.repeats == REPEATS
    return result


@pytest.fixture(scope="module")
def scenario_tmpdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``TMPDIR`` on a tmpfs for the scenarios' state, as the README says to run benchmarks."""
    tmp_path_factory.getbasetemp()  # pytest's own temporary directories stay where they are
    assert TMPFS.is_dir(), f"{TMPFS} (a tmpfs) is needed to benchmark without the disk's noise"
    directory = Path(tempfile.mkdtemp(prefix="aztec-bench-test-", dir=TMPFS))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(directory))
        patch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
        yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, scenario_tmpdir: Path) -> Runs:
    """Base, head and slow alternate one repeat at a time (``--append``), as README says to compare on a
    busy machine: the other jobs' load changes from minute to minute, and alternating gives all three the
    same conditions."""
    root = tmp_path_factory.mktemp("noise")
    heavier = RunSettings(SCALE).native_prover_scale() * SLOWDOWN
    for _ in range(REPEATS):
        _run(root / "base")
        _run(root / "head")
        _run(root / "slow", "--scenario", "circuits", "--prover-scale", str(heavier))
    assert list(scenario_tmpdir.iterdir()) == []  # every scenario cleaned up after itself
    return Runs(_aggregate(root / "base"), _aggregate(root / "head"), _aggregate(root / "slow"))


def test_a_commit_against_itself_flags_nothing(runs: Runs) -> None:
    assert runs.head.scenarios == runs.base.scenarios == tuple(sorted(SCENARIOS))
    report = build_report(runs.head, runs.base, plots=False)
    flagged = [f"{row.metric} [{row.bucket}]: {row.change}" for row in rows_of(runs.head, runs.base) if row.flagged]
    assert flagged == [], "\n".join(flagged)
    assert report.flagged == 0
    assert "**No significant change.**" in report.markdown
    assert WORSE_SIGN not in report.markdown.split("Values are means")[0]


def test_a_slower_prover_is_flagged_as_worse(runs: Runs) -> None:
    circuits_only = BenchResult(
        runs.base.timestamp,
        runs.base.commit,
        ("circuits",),
        {metric: buckets for metric, buckets in runs.base.metrics.items() if metric in runs.slow.metrics},
        runs.base.repeats,
    )
    report = build_report(runs.slow, circuits_only, plots=False)
    worse = {
        (row.metric, row.bucket)
        for row in rows_of(runs.slow, circuits_only)
        if row.change is not None and row.change.verdict == "worse"
    }
    proving = {bucket for metric, bucket in worse if metric == CIRCUIT_PROVING_DURATION.name}
    # Every circuit's proof takes about 20 times as long; on a very busy machine a few may hide in the noise.
    circuits = runs.slow.metrics[CIRCUIT_PROVING_DURATION.name]
    assert len(proving) >= len(circuits) / 2, sorted(worse)
    assert not any(
        row.flagged and row.change is not None and row.change.verdict == "better"
        for row in rows_of(runs.slow, circuits_only)
    )
    top = report.markdown.split("### ", 1)[0]
    assert f"{WORSE_SIGN} Worse:" in top and f"`{CIRCUIT_PROVING_DURATION.name}` (circuit=" in top
