"""Binding, ports and start/stop of the server; registration rules."""

from __future__ import annotations

import pytest

from aztec.foundation.json_rpc import JsonRpcClient, JsonRpcServer, MethodRegistry, Param
from tests.json_rpc.methods import TestMethods


async def test_binds_loopback_on_a_free_port_by_default(methods: TestMethods) -> None:
    server = JsonRpcServer(methods.registry())
    assert server.host == "127.0.0.1"
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.port
    await server.start()
    try:
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}/"
        with pytest.raises(RuntimeError, match="already started"):
            await server.start()
    finally:
        await server.stop()
    assert not server.running
    await server.stop()  # idempotent


async def test_explicit_port_and_restart(methods: TestMethods) -> None:
    async with JsonRpcServer(methods.registry()) as first:
        taken = first.port
        clash = JsonRpcServer(methods.registry(), port=taken)
        with pytest.raises(OSError):
            await clash.start()
        assert not clash.running
    server = JsonRpcServer(methods.registry(), port=taken)
    async with server, JsonRpcClient(server.url) as client:
        assert server.port == taken
        assert await client.call("echo", "again") == "again"


async def test_ipv6_url_is_bracketed(methods: TestMethods) -> None:
    server = JsonRpcServer(methods.registry(), host="::1")
    try:
        await server.start()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        assert server.url == f"http://[::1]:{server.port}/"
        async with JsonRpcClient(server.url) as client:
            assert await client.call("add", 1, 1) == 2
    finally:
        await server.stop()


def test_bad_settings_are_refused() -> None:
    registry = MethodRegistry()
    with pytest.raises(ValueError, match="max_body_bytes"):
        JsonRpcServer(registry, max_body_bytes=0)
    with pytest.raises(ValueError, match="max_batch_size"):
        JsonRpcServer(registry, max_batch_size=0)
    with pytest.raises(ValueError, match="port"):
        JsonRpcServer(registry, port=70000)


async def test_registration_rules() -> None:
    async def handler(*_: object) -> None:
        return None

    registry = MethodRegistry()
    registry.register("a", handler)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("a", handler)
    for reserved in ("rpc.discover", "unknown", ""):
        with pytest.raises(ValueError, match="reserved"):
            registry.register(reserved, handler)
    with pytest.raises(ValueError, match="follows an optional"):
        registry.register("b", handler, (Param("x", int, optional=True), Param("y", int)))
    with pytest.raises(ValueError, match="not one of the JSON types"):
        Param("x", bytes)
    assert list(registry) == ["a"]
    assert "a" in registry
