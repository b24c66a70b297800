"""The canonical binary encoding of circuit inputs and outputs.

Big-endian throughout: a field element is 32 bytes (and must be below the field modulus), ``u8``,
``u32`` and ``u64`` are fixed-width unsigned integers, a bool is one byte (0 or 1), an optional value
is a bool followed by the value when present, text is a ``u32`` byte length then UTF-8, and a
sequence is a ``u32`` count followed by its items. Every count is bounded, so a hostile length
cannot make a decoder allocate. A decoder must consume its input exactly: trailing bytes are an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from aztec.foundation.fields import FIELD_MODULUS, Fr

T = TypeVar("T")

MAX_SEQUENCE_LENGTH = 1 << 16
"""No sequence in any circuit input may be longer than this."""
MAX_TEXT_BYTES = 4096
MAX_BLOB_BYTES = 1 << 20
"""Largest length-prefixed byte string (a transaction is at most 32 KiB)."""


class EncodingError(ValueError):
    """Bytes that are not a canonical encoding; the message says where and what was expected."""


class Writer:
    """Appends canonical encodings to a buffer."""

    __slots__ = ("_parts",)

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def field(self, value: Fr) -> None:
        if not 0 <= value < FIELD_MODULUS:
            raise EncodingError(f"{value} is not a field element")
        self._parts.append(value.to_bytes(32, "big"))

    def fields(self, values: Sequence[Fr]) -> None:
        self.u32(len(values))
        for value in values:
            self.field(value)

    def u8(self, value: int) -> None:
        self._uint(value, 1)

    def u32(self, value: int) -> None:
        self._uint(value, 4)

    def u64(self, value: int) -> None:
        self._uint(value, 8)

    def boolean(self, value: bool) -> None:
        self._parts.append(b"\x01" if value else b"\x00")

    def text(self, value: str) -> None:
        """UTF-8, prefixed by its ``u32`` byte length."""
        data = value.encode()
        if len(data) > MAX_TEXT_BYTES:
            raise EncodingError(f"text of {len(data)} bytes exceeds the maximum of {MAX_TEXT_BYTES}")
        self.u32(len(data))
        self._parts.append(data)

    def blob(self, value: bytes, max_length: int = MAX_BLOB_BYTES) -> None:
        """Raw bytes, prefixed by their ``u32`` length."""
        if len(value) > max_length:
            raise EncodingError(f"blob of {len(value)} bytes exceeds the maximum of {max_length}")
        self.u32(len(value))
        self._parts.append(bytes(value))

    def sequence(self, items: Sequence[T], write: Callable[[Writer, T], None]) -> None:
        self.u32(len(items))
        for item in items:
            write(self, item)

    def optional(self, item: T | None, write: Callable[[Writer, T], None]) -> None:
        self.boolean(item is not None)
        if item is not None:
            write(self, item)

    def _uint(self, value: int, width: int) -> None:
        if not 0 <= value < 1 << (8 * width):
            raise EncodingError(f"{value} does not fit in an unsigned {8 * width}-bit integer")
        self._parts.append(value.to_bytes(width, "big"))

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


class Reader:
    """Reads canonical encodings from bytes; every error names the offset and the item being read."""

    __slots__ = ("_data", "_offset")

    def __init__(self, data: bytes) -> None:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise EncodingError(f"expected bytes, got {type(data).__name__}")
        self._data = bytes(data)
        self._offset = 0

    def _take(self, size: int, what: str) -> bytes:
        end = self._offset + size
        if end > len(self._data):
            raise EncodingError(
                f"{what}: needs {size} bytes at offset {self._offset}, only {len(self._data) - self._offset} left"
            )
        chunk = self._data[self._offset : end]
        self._offset = end
        return chunk

    def field(self, what: str) -> Fr:
        offset = self._offset
        value = int.from_bytes(self._take(32, what), "big")
        if value >= FIELD_MODULUS:
            raise EncodingError(f"{what}: value at offset {offset} is not a field element")
        return value

    def fields(self, what: str, max_length: int = MAX_SEQUENCE_LENGTH) -> tuple[Fr, ...]:
        count = self.count(what, max_length)
        return tuple(self.field(f"{what}[{i}]") for i in range(count))

    def u8(self, what: str) -> int:
        return self._take(1, what)[0]

    def u32(self, what: str) -> int:
        return int.from_bytes(self._take(4, what), "big")

    def u64(self, what: str) -> int:
        return int.from_bytes(self._take(8, what), "big")

    def boolean(self, what: str) -> bool:
        offset = self._offset
        byte = self._take(1, what)[0]
        if byte > 1:
            raise EncodingError(f"{what}: byte at offset {offset} is {byte}, a bool must be 0 or 1")
        return byte == 1

    def text(self, what: str) -> str:
        offset = self._offset
        data = self._take(self.count(what, MAX_TEXT_BYTES), what)
        try:
            return data.decode()
        except UnicodeDecodeError as error:
            raise EncodingError(f"{what}: text at offset {offset} is not UTF-8 ({error.reason})") from None

    def blob(self, what: str, max_length: int = MAX_BLOB_BYTES) -> bytes:
        return self._take(self.count(what, max_length), what)

    def count(self, what: str, max_length: int = MAX_SEQUENCE_LENGTH) -> int:
        offset = self._offset
        count = self.u32(f"{what} length")
        if count > max_length:
            raise EncodingError(f"{what}: length {count} at offset {offset} exceeds the maximum of {max_length}")
        return count

    def sequence(
        self, what: str, read: Callable[[Reader, str], T], max_length: int = MAX_SEQUENCE_LENGTH
    ) -> tuple[T, ...]:
        count = self.count(what, max_length)
        return tuple(read(self, f"{what}[{i}]") for i in range(count))

    def optional(self, what: str, read: Callable[[Reader, str], T]) -> T | None:
        return read(self, what) if self.boolean(f"{what} presence") else None

    def finish(self) -> None:
        """Raise unless every byte was consumed."""
        if self._offset != len(self._data):
            raise EncodingError(f"{len(self._data) - self._offset} trailing bytes after offset {self._offset}")


def encode(value: T, write: Callable[[Writer, T], None]) -> bytes:
    writer = Writer()
    write(writer, value)
    return writer.getvalue()


def decode(data: bytes, read: Callable[[Reader, str], T], what: str) -> T:
    """Decode exactly one value from ``data``."""
    reader = Reader(data)
    value = read(reader, what)
    reader.finish()
    return value
