"""Accounts and wallets: an Ed25519 key that builds and signs transactions, and a nonce that counts them."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from aztec.foundation.fields import Fr
from aztec.stdlib.tx.tx import GasSettings, PublicCall, Tx, address_from_public_key

DEFAULT_GAS_LIMIT = 1_000_000
DEFAULT_MAX_FEE_PER_GAS = 10


class Account:
    """An Ed25519 private key with its public key and account address."""

    __slots__ = ("_key", "address", "public_key")

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key: bytes = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.address: Fr = address_from_public_key(self.public_key)

    @classmethod
    def generate(cls) -> Account:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> Account:
        """A deterministic account from a 32-byte seed (the raw private key)."""
        if len(seed) != 32:
            raise ValueError(f"an Ed25519 seed is 32 bytes, got {len(seed)}")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def private_bytes(self) -> bytes:
        """The raw 32-byte private key (the seed :meth:`from_seed` takes)."""
        return self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def sign(self, tx: Tx) -> Tx:
        """``tx`` with this account's signature; its origin must be this account's public key."""
        if tx.origin != self.public_key:
            raise ValueError("cannot sign a transaction whose origin is another account")
        return tx.with_signature(self._key.sign(tx.payload))

    def create_tx(
        self,
        nonce: int,
        *,
        app_logic: Sequence[PublicCall] = (),
        setup: Sequence[PublicCall] = (),
        teardown: Sequence[PublicCall] = (),
        note_hashes: Sequence[Fr] = (),
        nullifiers: Sequence[Fr] = (),
        gas_limit: int = DEFAULT_GAS_LIMIT,
        max_fee_per_gas: int = DEFAULT_MAX_FEE_PER_GAS,
    ) -> Tx:
        """Build and sign a transaction from this account."""
        tx = Tx(
            origin=self.public_key,
            nonce=nonce,
            gas=GasSettings(max_fee_per_gas=max_fee_per_gas, gas_limit=gas_limit),
            note_hashes=tuple(note_hashes),
            nullifiers=tuple(nullifiers),
            setup=tuple(setup),
            app_logic=tuple(app_logic),
            teardown=tuple(teardown),
        )
        return self.sign(tx)


class Wallet:
    """An account plus the next nonce to use: each :meth:`create_tx` takes a fresh nonce."""

    __slots__ = ("account", "next_nonce")

    def __init__(self, account: Account, next_nonce: int = 0) -> None:
        self.account = account
        self.next_nonce = next_nonce

    @property
    def address(self) -> Fr:
        return self.account.address

    def create_tx(
        self,
        *,
        app_logic: Sequence[PublicCall] = (),
        setup: Sequence[PublicCall] = (),
        teardown: Sequence[PublicCall] = (),
        note_hashes: Sequence[Fr] = (),
        nullifiers: Sequence[Fr] = (),
        gas_limit: int = DEFAULT_GAS_LIMIT,
        max_fee_per_gas: int = DEFAULT_MAX_FEE_PER_GAS,
    ) -> Tx:
        """A signed transaction with the next nonce (the nonce advances only if building succeeds)."""
        tx = self.account.create_tx(
            self.next_nonce,
            app_logic=app_logic,
            setup=setup,
            teardown=teardown,
            note_hashes=note_hashes,
            nullifiers=nullifiers,
            gas_limit=gas_limit,
            max_fee_per_gas=max_fee_per_gas,
        )
        self.next_nonce += 1
        return tx
