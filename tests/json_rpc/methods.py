"""A small method registry for the server tests: echo, add, optional params, failures, notifications."""

from __future__ import annotations

from typing import Any

from aztec.foundation.json_rpc import JsonRpcError, MethodRegistry, Param


class TeapotError(JsonRpcError):
    """An application error with a data object."""

    code = -32042
    name = "teapot"


class TestMethods:
    """Handlers that record what reached them, so tests can see a notification ran."""

    __test__ = False

    def __init__(self) -> None:
        self.pinged: list[str] = []

    async def echo(self, text: str) -> str:
        return text

    async def add(self, left: int, right: int) -> int:
        return left + right

    async def greet(self, name: str, greeting: str = "hello") -> str:
        return f"{greeting} {name}"

    async def ping(self, tag: str) -> None:
        self.pinged.append(tag)

    async def crash(self) -> None:
        raise RuntimeError("secret database password in a stack trace")

    async def teapot(self) -> None:
        raise TeapotError("I am a teapot", {"reason": "short_and_stout"})

    async def unserializable(self) -> Any:
        return object()

    def registry(self) -> MethodRegistry:
        registry = MethodRegistry()
        registry.register("echo", self.echo, (Param("text", str),))
        registry.register("add", self.add, (Param("left", int), Param("right", int)))
        registry.register("greet", self.greet, (Param("name", str), Param("greeting", str, optional=True)))
        registry.register("ping", self.ping, (Param("tag", str),))
        registry.register("crash", self.crash)
        registry.register("teapot", self.teapot)
        registry.register("unserializable", self.unserializable)
        return registry
