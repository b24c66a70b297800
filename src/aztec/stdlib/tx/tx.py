"""Transactions: what a user signs and sends, its canonical encoding, hash, nullifier and signature check.

The Ed25519 signature of the origin over the payload stands in for the client-side proof. Encoding,
version 1 (integers big-endian, ``F`` a 32-byte field element, ``list`` a u16 count then the items)::

    payload   = "AZTX" | version u8 | origin (32 B Ed25519 public key) | nonce u64
              | max_fee_per_gas u64 | gas_limit u64
              | note_hashes list[F] | nullifiers list[F]
              | setup list[call] | app_logic list[call] | teardown list[call]
    call      = contract F | function (u8 length, UTF-8) | args list[F]
    tx bytes  = payload | signature (64 B)

The tx hash is the hash of the payload; the tx's own nullifier is ``hash_fields(address, nonce)``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from aztec.foundation.fields import FIELD_MODULUS, Fr, hash_bytes, hash_fields
from aztec.stdlib.gas.costs import intrinsic_gas
from aztec.stdlib.tx.byte_codec import ByteReader, ByteWriter, DecodeError

TX_MAGIC: Final = b"AZTX"
TX_ENCODING_VERSION: Final = 1
PUBLIC_KEY_SIZE: Final = 32
SIGNATURE_SIZE: Final = 64
MAX_NOTE_HASHES_PER_TX: Final = 64
MAX_NULLIFIERS_PER_TX: Final = 63
"""Private nullifiers; with the tx's own nullifier a transaction inserts at most 64."""
MAX_CALLS_PER_PHASE: Final = 8
MAX_ARGS_PER_CALL: Final = 16
MAX_FUNCTION_NAME_LENGTH: Final = 64
DEFAULT_MAX_TX_SIZE: Final = 32 * 1024
"""Default size limit for decoding, in bytes (a maximal valid tx is about 19 KiB)."""
U64_MAX: Final = 2**64 - 1

_FUNCTION_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


class Phase(enum.StrEnum):
    """Public execution phases, in the order they run."""

    SETUP = "setup"
    APP_LOGIC = "app_logic"
    TEARDOWN = "teardown"


class TxFormatError(ValueError):
    """A transaction's contents break a rule of the format; the message names the offending item."""


class TxDecodeError(TxFormatError):
    """Bytes that are not a valid transaction encoding."""


class TxTooLargeError(TxDecodeError):
    """An encoding longer than the size limit (rejected before decoding)."""


def address_from_public_key(public_key: bytes) -> Fr:
    """The account address (a field element) of an Ed25519 public key."""
    return hash_bytes(b"aztec.address" + public_key)


def _check_field(value: object, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < FIELD_MODULUS:
        raise TxFormatError(f"{what} is not a field element: {value!r}")


def _check_fields(values: tuple[Fr, ...], what: str, limit: int) -> None:
    if not isinstance(values, tuple):
        raise TxFormatError(f"{what} must be a tuple, got {type(values).__name__}")
    if len(values) > limit:
        raise TxFormatError(f"{len(values)} {what}: at most {limit} allowed")
    for i, value in enumerate(values):
        _check_field(value, f"{what}[{i}]")


def _check_u64(value: object, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= U64_MAX:
        raise TxFormatError(f"{what} must be an integer in [0, 2**64), got {value!r}")


@dataclass(frozen=True, slots=True)
class PublicCall:
    """One public function call: ``contract`` (an address), the function's name and its field arguments."""

    contract: Fr
    function: str
    args: tuple[Fr, ...] = ()

    def __post_init__(self) -> None:
        _check_field(self.contract, "call contract address")
        if not isinstance(self.function, str) or not _FUNCTION_NAME.match(self.function):
            raise TxFormatError(f"function name {self.function!r} is not an identifier of [a-z0-9_]")
        if len(self.function) > MAX_FUNCTION_NAME_LENGTH:
            raise TxFormatError(f"function name {self.function!r} is longer than {MAX_FUNCTION_NAME_LENGTH}")
        _check_fields(self.args, f"args of {self.function}", MAX_ARGS_PER_CALL)


def call(contract: Fr, function: str, *args: Fr) -> PublicCall:
    """``call(TOKEN_ADDRESS, "transfer", to, amount)``."""
    return PublicCall(contract, function, tuple(args))


@dataclass(frozen=True, slots=True)
class GasSettings:
    max_fee_per_gas: int
    """The most the sender pays per unit of gas; the tx is invalid while the base fee is higher."""
    gas_limit: int
    """The most gas the transaction may use, intrinsic gas included."""

    def __post_init__(self) -> None:
        _check_u64(self.max_fee_per_gas, "max_fee_per_gas")
        _check_u64(self.gas_limit, "gas_limit")


@dataclass(frozen=True)
class Tx:
    """A signed transaction. Construct with :class:`aztec.stdlib.accounts.Account` to get it signed."""

    origin: bytes
    """The sender's Ed25519 public key (32 bytes)."""
    nonce: int
    gas: GasSettings
    note_hashes: tuple[Fr, ...] = ()
    nullifiers: tuple[Fr, ...] = ()
    """Private nullifiers; the tx's own nullifier is not among them (see :attr:`all_nullifiers`)."""
    setup: tuple[PublicCall, ...] = ()
    app_logic: tuple[PublicCall, ...] = ()
    teardown: tuple[PublicCall, ...] = ()
    signature: bytes = field(default=bytes(SIGNATURE_SIZE), repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.origin, bytes) or len(self.origin) != PUBLIC_KEY_SIZE:
            raise TxFormatError(f"origin must be a {PUBLIC_KEY_SIZE}-byte Ed25519 public key")
        if not isinstance(self.signature, bytes) or len(self.signature) != SIGNATURE_SIZE:
            raise TxFormatError(f"signature must be {SIGNATURE_SIZE} bytes")
        _check_u64(self.nonce, "nonce")
        if not isinstance(self.gas, GasSettings):
            raise TxFormatError("gas must be GasSettings")
        _check_fields(self.note_hashes, "note_hashes", MAX_NOTE_HASHES_PER_TX)
        _check_fields(self.nullifiers, "nullifiers", MAX_NULLIFIERS_PER_TX)
        if len(set(self.nullifiers)) != len(self.nullifiers):
            raise TxFormatError("nullifiers contains the same nullifier twice")
        for phase in Phase:
            calls = self.calls(phase)
            if not isinstance(calls, tuple) or not all(isinstance(c, PublicCall) for c in calls):
                raise TxFormatError(f"{phase} must be a tuple of PublicCall")
            if len(calls) > MAX_CALLS_PER_PHASE:
                raise TxFormatError(f"{len(calls)} {phase} calls: at most {MAX_CALLS_PER_PHASE} allowed")
        needed = self.intrinsic_gas
        if self.gas.gas_limit < needed:
            raise TxFormatError(f"gas_limit {self.gas.gas_limit} is below the tx's intrinsic gas {needed}")

    def calls(self, phase: Phase) -> tuple[PublicCall, ...]:
        if phase is Phase.SETUP:
            return self.setup
        if phase is Phase.APP_LOGIC:
            return self.app_logic
        return self.teardown

    @property
    def intrinsic_gas(self) -> int:
        return intrinsic_gas(len(self.note_hashes) + len(self.nullifiers))

    @cached_property
    def address(self) -> Fr:
        """The origin's account address."""
        return address_from_public_key(self.origin)

    @cached_property
    def tx_nullifier(self) -> Fr:
        """The tx's own nullifier, ``hash(address, nonce)``: inserting it twice is a double spend."""
        return hash_fields((self.address, self.nonce))

    @property
    def all_nullifiers(self) -> tuple[Fr, ...]:
        """Every nullifier the tx inserts, its own first."""
        return (self.tx_nullifier, *self.nullifiers)

    @cached_property
    def payload(self) -> bytes:
        """The signed bytes: the encoding without the signature."""
        writer = ByteWriter()
        writer.raw(TX_MAGIC)
        writer.uint(TX_ENCODING_VERSION, 1)
        writer.raw(self.origin)
        writer.uint(self.nonce, 8)
        writer.uint(self.gas.max_fee_per_gas, 8)
        writer.uint(self.gas.gas_limit, 8)
        writer.fields(self.note_hashes)
        writer.fields(self.nullifiers)
        for phase in Phase:
            calls = self.calls(phase)
            writer.uint(len(calls), 2)
            for public_call in calls:
                writer.field(public_call.contract)
                writer.short_str(public_call.function)
                writer.fields(public_call.args)
        return writer.getvalue()

    @cached_property
    def tx_hash(self) -> Fr:
        """The hash of the signed payload (the signature does not change it)."""
        return hash_bytes(self.payload)

    def to_bytes(self) -> bytes:
        return self.payload + self.signature

    @property
    def size(self) -> int:
        return len(self.payload) + SIGNATURE_SIZE

    def with_signature(self, signature: bytes) -> Tx:
        return replace(self, signature=signature)

    def verify_signature(self) -> bool:
        """True when ``signature`` is the origin's Ed25519 signature of the payload."""
        try:
            Ed25519PublicKey.from_public_bytes(self.origin).verify(self.signature, self.payload)
        except (InvalidSignature, ValueError):
            return False
        return True

    @classmethod
    def from_bytes(cls, data: bytes, max_size: int = DEFAULT_MAX_TX_SIZE) -> Tx:
        """Decode a canonical encoding; raises :class:`TxDecodeError` (or :class:`TxTooLargeError`)."""
        if len(data) > max_size:
            raise TxTooLargeError(f"tx is {len(data)} bytes, the limit is {max_size}")
        try:
            return _decode(ByteReader(data))
        except (DecodeError, TxFormatError) as error:
            raise TxDecodeError(f"malformed tx: {error}") from None


def _decode(reader: ByteReader) -> Tx:
    magic = reader.raw(len(TX_MAGIC), "the magic bytes")
    if magic != TX_MAGIC:
        raise DecodeError(f"not a transaction: starts with {magic!r}, expected {TX_MAGIC!r}")
    version = reader.uint(1, "the encoding version")
    if version != TX_ENCODING_VERSION:
        raise DecodeError(f"unsupported encoding version {version} (this node reads version {TX_ENCODING_VERSION})")
    origin = reader.raw(PUBLIC_KEY_SIZE, "origin")
    nonce = reader.uint(8, "nonce")
    gas = GasSettings(max_fee_per_gas=reader.uint(8, "max_fee_per_gas"), gas_limit=reader.uint(8, "gas_limit"))
    note_hashes = reader.fields("note_hashes", MAX_NOTE_HASHES_PER_TX)
    nullifiers = reader.fields("nullifiers", MAX_NULLIFIERS_PER_TX)
    phases: list[tuple[PublicCall, ...]] = []
    for phase in Phase:
        count = reader.count(f"{phase} calls", MAX_CALLS_PER_PHASE)
        calls: list[PublicCall] = []
        for i in range(count):
            what = f"{phase}[{i}]"
            contract = reader.field(f"{what} contract")
            function = reader.short_str(f"{what} function name")
            args = reader.fields(f"{what} args", MAX_ARGS_PER_CALL)
            calls.append(PublicCall(contract, function, args))
        phases.append(tuple(calls))
    signature = reader.raw(SIGNATURE_SIZE, "signature")
    reader.expect_end()
    setup, app_logic, teardown = phases
    return Tx(origin, nonce, gas, note_hashes, nullifiers, setup, app_logic, teardown, signature)
