"""The bot's sender accounts, and the fee and gas settings its txs use."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

from aztec.bot.config import BotConfig
from aztec.bot.errors import BotError
from aztec.bot.nonces import NonceAllocator
from aztec.foundation.fields import Fr
from aztec.stdlib.accounts import Account
from aztec.stdlib.interfaces.aztec_node import NodeInfo
from aztec.stdlib.tx.tx import Tx, call

TRANSFER_GAS: Final = 23_720
"""Gas a token transfer uses (see :mod:`aztec.stdlib.gas.costs`); a tx gas limit below it would revert."""


@dataclass(frozen=True)
class FeePlan:
    """``max_fee_per_gas`` and ``gas_limit`` for the bot's txs, from the node's info and the config."""

    max_fee_per_gas: int
    gas_limit: int

    @classmethod
    def from_node_info(cls, info: NodeInfo, config: BotConfig) -> FeePlan:
        gas_limit = min(config.tx_gas_limit, info.block_gas_limit)
        if gas_limit < TRANSFER_GAS:
            raise BotError(
                f"gas limit {gas_limit} (config {config.tx_gas_limit}, block {info.block_gas_limit}) "
                f"is below a transfer's {TRANSFER_GAS} gas"
            )
        return cls(max(info.base_fee_per_gas, math.ceil(info.base_fee_per_gas * config.fee_headroom)), gas_limit)


@dataclass
class BotAccount:
    """A fresh key (so no nonce of it was ever used) and its nonces."""

    key: Account = field(default_factory=Account.generate)
    nonces: NonceAllocator = field(default_factory=NonceAllocator)

    @property
    def address(self) -> Fr:
        return self.key.address

    def token_call_tx(self, token: Fr, function: str, to: Fr, amount: int, fees: FeePlan) -> tuple[Tx, int]:
        """A signed ``token.function(to, amount)`` tx with a fresh nonce, and that nonce."""
        nonce = self.nonces.take()
        tx = self.key.create_tx(
            nonce,
            app_logic=[call(token, function, to, amount)],
            gas_limit=fees.gas_limit,
            max_fee_per_gas=fees.max_fee_per_gas,
        )
        return tx, nonce
