"""The scenario registry: every scenario ``aztec bench run`` knows, by name.

To add one, write a module here with a ``run(telemetry, settings)`` function and a ``SCENARIO`` constant
(see :mod:`aztec.bench.scenarios.base`), then list it in :data:`SCENARIOS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from aztec.bench.errors import UnknownScenarioError
from aztec.bench.scenarios import block_building, circuits, node_sync, telemetry, transactions, world_state
from aztec.bench.scenarios.base import RunSettings, Scenario, ScenarioFunction, scaled

SCENARIOS: Final[Mapping[str, Scenario]] = {
    scenario.name: scenario
    for scenario in (
        block_building.SCENARIO,
        circuits.SCENARIO,
        world_state.SCENARIO,
        node_sync.SCENARIO,
        transactions.SCENARIO,
        telemetry.SCENARIO,
    )
}


def resolve(names: Iterable[str] | None, registry: Mapping[str, Scenario] = SCENARIOS) -> list[Scenario]:
    """The scenarios named (all of them when ``names`` is empty or None), once each, in the order given.

    Raises :class:`UnknownScenarioError`, listing the known names, before anything runs.
    """
    wanted = list(dict.fromkeys(names or ()))
    unknown = [name for name in wanted if name not in registry]
    if unknown:
        raise UnknownScenarioError(unknown, sorted(registry))
    return [registry[name] for name in wanted] if wanted else list(registry.values())


__all__ = ["SCENARIOS", "RunSettings", "Scenario", "ScenarioFunction", "resolve", "scaled"]
