"""What a public function sees while it runs: its address, its caller, metered storage and hashing."""

from __future__ import annotations

from collections.abc import Sequence

from aztec.foundation.fields import FIELD_MODULUS, Fr, hash_fields
from aztec.simulator.gas_meter import GasMeter
from aztec.simulator.journal import PublicStateJournal
from aztec.stdlib.gas.costs import HASH_GAS, STORAGE_READ_GAS, STORAGE_WRITE_GAS
from aztec.stdlib.storage import storage_slot


class ContractRevertError(Exception):
    """A public function's assertion failed; its phase reverts."""


class CallContext:
    """Storage and hashing for one public call, each charged to the transaction's gas meter."""

    __slots__ = ("_gas", "_journal", "address", "sender")

    def __init__(self, address: Fr, sender: Fr, journal: PublicStateJournal, gas: GasMeter) -> None:
        self.address = address
        """The called contract's address."""
        self.sender = sender
        """The caller: the transaction's origin address."""
        self._journal = journal
        self._gas = gas

    def hash(self, values: Sequence[Fr]) -> Fr:
        self._gas.consume(HASH_GAS, "hash")
        return hash_fields(values)

    def slot(self, field_name: str, key: Fr = 0) -> Fr:
        """This contract's slot for ``field_name[key]`` (costs one hash)."""
        self._gas.consume(HASH_GAS, f"slot of {field_name}")
        return storage_slot(self.address, field_name, key)

    def read(self, field_name: str, key: Fr = 0) -> Fr:
        slot = self.slot(field_name, key)
        self._gas.consume(STORAGE_READ_GAS, f"read of {field_name}")
        return self._journal.read(slot)

    def write(self, field_name: str, value: Fr, key: Fr = 0) -> None:
        if not 0 <= value < FIELD_MODULUS:
            raise ContractRevertError(f"{field_name}: {value} is not a field element")
        slot = self.slot(field_name, key)
        self._gas.consume(STORAGE_WRITE_GAS, f"write of {field_name}")
        self._journal.write(slot, value)

    @staticmethod
    def require(condition: bool, message: str) -> None:
        """Revert with ``message`` unless ``condition`` holds."""
        if not condition:
            raise ContractRevertError(message)
