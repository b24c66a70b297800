"""Base for circuit inputs and outputs: ``write``/``read`` give ``to_bytes``/``from_bytes``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Self

from aztec.stdlib.encoding.canonical import Reader, Writer, decode


class Serializable(ABC):
    __slots__ = ()

    @abstractmethod
    def write(self, w: Writer) -> None: ...

    @classmethod
    @abstractmethod
    def read(cls, r: Reader, what: str) -> Self: ...

    def to_bytes(self) -> bytes:
        writer = Writer()
        self.write(writer)
        return writer.getvalue()

    @staticmethod
    def write_item(w: Writer, item: Serializable) -> None:
        """``item.write(w)``, in the argument order :meth:`Writer.sequence` calls with."""
        item.write(w)

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        """Decode exactly one value; raises :class:`~aztec.stdlib.encoding.canonical.EncodingError` otherwise."""
        return decode(data, cls.read, cls.__name__)
