"""The public state journal: one transaction's storage reads and buffered writes, phase by phase.

Reads see the transaction's own earlier writes (latest phase first), then the world state. Nothing is
written to the world state here: the processor applies :meth:`PublicStateJournal.kept_writes` after the
transaction succeeds. Writes are squashed per slot (the last value, at the position of the first write).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aztec.foundation.fields import Fr
from aztec.stdlib.interfaces.world_state import WorldStateView
from aztec.stdlib.tx.processed_tx import PublicDataWrite
from aztec.stdlib.tx.tx import Phase


@dataclass(slots=True)
class _PhaseJournal:
    reads: list[tuple[Fr, Fr]] = field(default_factory=list)
    writes: dict[Fr, Fr] = field(default_factory=dict)


class PublicStateJournal:
    __slots__ = ("_phases", "_state", "_state_cache")

    def __init__(self, state: WorldStateView) -> None:
        self._state = state
        self._state_cache: dict[Fr, Fr] = {}
        self._phases: dict[Phase, _PhaseJournal] = {}

    def begin_phase(self, phase: Phase) -> None:
        if phase in self._phases:
            raise ValueError(f"phase {phase} already began")
        self._phases[phase] = _PhaseJournal()

    def _current(self) -> _PhaseJournal:
        if not self._phases:
            raise RuntimeError("no phase began: call begin_phase first")
        return next(reversed(self._phases.values()))

    def read(self, slot: Fr) -> Fr:
        """The value at ``slot`` as this transaction sees it now; recorded as a read of the current phase."""
        current = self._current()
        for journal in reversed(self._phases.values()):
            if slot in journal.writes:
                value = journal.writes[slot]
                break
        else:
            if slot not in self._state_cache:
                self._state_cache[slot] = self._state.read_public(slot)
            value = self._state_cache[slot]
        current.reads.append((slot, value))
        return value

    def write(self, slot: Fr, value: Fr) -> None:
        writes = self._current().writes
        writes[slot] = value

    def discard(self, phase: Phase) -> None:
        """Drop the writes of ``phase`` (a revert); its reads stay recorded."""
        self._phases[phase].writes.clear()

    def reads(self, phase: Phase) -> tuple[tuple[Fr, Fr], ...]:
        return tuple(self._phases[phase].reads)

    def writes(self, phase: Phase) -> tuple[PublicDataWrite, ...]:
        return tuple(PublicDataWrite(slot, value) for slot, value in self._phases[phase].writes.items())

    def kept_writes(self) -> tuple[PublicDataWrite, ...]:
        """The writes of every phase not discarded, squashed per slot, in order of first write."""
        merged: dict[Fr, Fr] = {}
        for journal in self._phases.values():
            merged.update(journal.writes)
        return tuple(PublicDataWrite(slot, value) for slot, value in merged.items())
