"""Which contract lives at which address."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from aztec.foundation.fields import Fr, hash_bytes
from aztec.simulator.contracts.base import PublicContract
from aztec.simulator.contracts.counter import Counter
from aztec.simulator.contracts.token import Token

TOKEN_ADDRESS: Final = hash_bytes(b"aztec.contract.token")
COUNTER_ADDRESS: Final = hash_bytes(b"aztec.contract.counter")


class ContractRegistry:
    """Contract instances by address; every node must use the same registry for the same state."""

    __slots__ = ("_contracts",)

    def __init__(self, contracts: Mapping[Fr, PublicContract] | None = None) -> None:
        self._contracts: dict[Fr, PublicContract] = {}
        for address, contract in (contracts or {}).items():
            self.register(address, contract)

    @classmethod
    def with_defaults(cls) -> ContractRegistry:
        """A Token at :data:`TOKEN_ADDRESS` and a Counter at :data:`COUNTER_ADDRESS`."""
        return cls({TOKEN_ADDRESS: Token(), COUNTER_ADDRESS: Counter()})

    def register(self, address: Fr, contract: PublicContract) -> None:
        if address in self._contracts:
            raise ValueError(f"address {address:#x} already holds a {self._contracts[address].contract_name}")
        self._contracts[address] = contract

    def get(self, address: Fr) -> PublicContract | None:
        return self._contracts.get(address)

    def __iter__(self) -> Iterator[tuple[Fr, PublicContract]]:
        return iter(self._contracts.items())

    def __len__(self) -> int:
        return len(self._contracts)
