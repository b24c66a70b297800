"""Errors of the benchmark flow; each message names what was wrong (file, line, scenario...)."""

from __future__ import annotations

from collections.abc import Iterable


class BenchError(Exception):
    """Base of every benchmark error the CLI reports as a clear message instead of a traceback."""


class BenchInputError(BenchError):
    """An input file or directory is missing, empty or malformed."""


class UnknownScenarioError(BenchError):
    """A scenario name that is not registered; the message lists the known ones."""

    def __init__(self, unknown: Iterable[str], known: Iterable[str]) -> None:
        self.unknown = tuple(unknown)
        self.known = tuple(known)
        names = ", ".join(self.unknown)
        super().__init__(f"unknown scenario {names}; known scenarios: {', '.join(self.known)}")


class ScenarioUnavailableError(BenchError):
    """A registered scenario whose components are not built yet."""

    def __init__(self, scenario: str, needs: str) -> None:
        self.scenario = scenario
        super().__init__(f"scenario {scenario!r} is not available yet: it needs {needs}")


class ScenarioFailedError(BenchError):
    """A scenario raised; nothing of the run was written."""

    def __init__(self, scenario: str, cause: BaseException) -> None:
        self.scenario = scenario
        super().__init__(f"scenario {scenario!r} failed: {type(cause).__name__}: {cause}")
