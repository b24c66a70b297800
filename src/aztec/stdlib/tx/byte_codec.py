"""Byte writer and reader for canonical encodings: big-endian integers, field elements, short strings.

The reader names what it was reading and where when the input ends early or holds a bad value, so a
decoding error tells the sender exactly what was wrong.
"""

from __future__ import annotations

from aztec.foundation.fields import FIELD_MODULUS, Fr


class DecodeError(ValueError):
    """Bytes that are not a valid encoding; the message names the item and the offset."""


class ByteWriter:
    __slots__ = ("_parts",)

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def raw(self, data: bytes) -> None:
        self._parts.append(data)

    def uint(self, value: int, size: int) -> None:
        self._parts.append(value.to_bytes(size, "big"))

    def field(self, value: Fr) -> None:
        self._parts.append(value.to_bytes(32, "big"))

    def fields(self, values: tuple[Fr, ...], count_size: int = 2) -> None:
        self.uint(len(values), count_size)
        for value in values:
            self.field(value)

    def short_str(self, text: str) -> None:
        data = text.encode("utf-8")
        self.uint(len(data), 1)
        self._parts.append(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


class ByteReader:
    __slots__ = ("_data", "_offset")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    @property
    def offset(self) -> int:
        return self._offset

    def raw(self, size: int, what: str) -> bytes:
        end = self._offset + size
        if end > len(self._data):
            left = len(self._data) - self._offset
            raise DecodeError(f"truncated at byte {self._offset} reading {what}: needs {size} bytes, {left} left")
        chunk = self._data[self._offset : end]
        self._offset = end
        return chunk

    def uint(self, size: int, what: str) -> int:
        return int.from_bytes(self.raw(size, what), "big")

    def field(self, what: str) -> Fr:
        start = self._offset
        value = self.uint(32, what)
        if value >= FIELD_MODULUS:
            raise DecodeError(f"{what} at byte {start} is not a field element (>= the field modulus)")
        return value

    def fields(self, what: str, limit: int, count_size: int = 2) -> tuple[Fr, ...]:
        count = self.count(what, limit, count_size)
        return tuple(self.field(f"{what}[{i}]") for i in range(count))

    def count(self, what: str, limit: int, count_size: int = 2) -> int:
        start = self._offset
        count = self.uint(count_size, f"the number of {what}")
        if count > limit:
            raise DecodeError(f"{count} {what} at byte {start}: at most {limit} allowed")
        return count

    def short_str(self, what: str) -> str:
        size = self.uint(1, f"the length of {what}")
        start = self._offset
        data = self.raw(size, what)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DecodeError(f"{what} at byte {start} is not valid UTF-8: {error.reason}") from None

    def expect_end(self) -> None:
        if self._offset != len(self._data):
            extra = len(self._data) - self._offset
            raise DecodeError(f"{extra} unexpected trailing bytes after byte {self._offset}")
