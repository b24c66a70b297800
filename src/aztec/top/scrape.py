"""One scrape of a Prometheus text endpoint, parsed into samples that can be looked up by registry metric."""

from __future__ import annotations

import math
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

Labels = frozenset[tuple[str, str]]


class ScrapeError(RuntimeError):
    """The endpoint could not be read or did not serve Prometheus text."""


@dataclass(frozen=True)
class Snapshot:
    """Every sample of one scrape, by sample name, taken at ``at`` (monotonic seconds)."""

    at: float
    samples: Mapping[str, Mapping[Labels, float]] = field(default_factory=dict)

    def values(self, name: str, where: Mapping[str, str] | None = None) -> list[float]:
        """Values of the series named ``name`` whose labels include ``where``."""
        wanted = set((where or {}).items())
        return [v for labels, v in self.samples.get(name, {}).items() if wanted <= labels]

    def total(self, name: str, where: Mapping[str, str] | None = None) -> float | None:
        """Sum over all matching series; None when there is none."""
        found = self.values(name, where)
        return math.fsum(found) if found else None

    def buckets(self, name: str) -> dict[float, float]:
        """A histogram's cumulative bucket counts summed across label sets, by upper bound."""
        summed: dict[float, float] = {}
        for labels, value in self.samples.get(name, {}).items():
            bound = float(dict(labels)["le"])
            summed[bound] = summed.get(bound, 0.0) + value
        return summed


def parse(text: str, at: float) -> Snapshot:
    """Parse Prometheus text exposition; a malformed text raises :class:`ScrapeError`."""
    samples: dict[str, dict[Labels, float]] = {}
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                samples.setdefault(sample.name, {})[frozenset(sample.labels.items())] = sample.value
    except ValueError as error:
        raise ScrapeError(f"not Prometheus text: {error}") from error
    return Snapshot(at, samples)


def fetch(url: str, timeout_s: float = 5.0) -> str:
    """The endpoint's text; a clear :class:`ScrapeError` when it cannot be read."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            body: bytes = response.read()
    except urllib.error.HTTPError as error:
        raise ScrapeError(f"{url} answered HTTP {error.code}") from error
    except (OSError, ValueError) as error:
        raise ScrapeError(f"cannot read {url}: {getattr(error, 'reason', error)}") from error
    return body.decode("utf-8", errors="replace")
