"""Faults injected from outside the node, for the alert fault-injection suite: signals to processes, a
collector that can be black-holed, a rogue client sending bad transactions and bad JSON-RPC calls, an L1
account drained and topped up. Nothing here reaches into the node's code: only its processes, its ports and
its L1."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import psutil

from aztec.l1.dev_chain import DevL1Chain
from aztec.node.json_rpc_codec import tx_to_hex
from aztec.simulator import TOKEN_ADDRESS, Account, Wallet, call


def prover_workers(pid: int) -> list[psutil.Process]:
    """The native prover's worker processes under the node process ``pid`` (not multiprocessing's tracker)."""
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    workers = []
    for child in children:
        try:
            if "resource_tracker" not in " ".join(child.cmdline()):
                workers.append(child)
        except psutil.Error:
            continue
    return workers


def signal_all(processes: list[psutil.Process], sig: int) -> None:
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(sig)


class Repeating:
    """Calls ``step`` in a background thread every ``interval_s`` until stopped (a fault that keeps going)."""

    def __init__(self, step: Callable[[], None], interval_s: float) -> None:
        self._step = step
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._step()
            self._stop.wait(self._interval_s)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


class DutyCycle:
    """Stops a process (SIGSTOP) for ``stopped_s`` out of every ``stopped_s + running_s``: a process starved
    of CPU or a VM paused again and again. Always leaves the process running (SIGCONT) when stopped."""

    def __init__(self, pid: int, stopped_s: float, running_s: float) -> None:
        self._pid = pid
        self._stopped_s = stopped_s
        self._running_s = running_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(self._pid).send_signal(sig)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._signal(signal.SIGSTOP)
            time.sleep(self._stopped_s)
            self._signal(signal.SIGCONT)
            self._stop.wait(self._running_s)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._signal(signal.SIGCONT)


class SwitchableCollector:
    """A TCP endpoint for the node's OTLP exporter that forwards to a real receiver, or black-holes: accepts
    every connection and never answers (a hung collector)."""

    def __init__(self, upstream_port: int) -> None:
        self._upstream_port = upstream_port
        self.black_holed = False
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}/v1/metrics"
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def black_hole(self) -> None:
        self.black_holed = True

    def restore(self) -> None:
        self.black_holed = False
        with self._lock:
            held, self._held = self._held, []
        for connection in held:
            connection.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            if self.black_holed:
                with self._lock:
                    self._held.append(connection)
                continue
            threading.Thread(target=self._forward, args=(connection,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self._upstream_port), timeout=5)
        except OSError:
            client.close()
            return

        def pipe(source: socket.socket, target: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for end in (source, target):
                    with contextlib.suppress(OSError):
                        end.shutdown(socket.SHUT_RDWR)

        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        self.restore()


def rpc(url: str, method: str, params: list[Any], timeout_s: float = 5.0) -> dict[str, Any]:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        answer: dict[str, Any] = json.load(response)
        return answer


def bad_signature_tx() -> str:
    """A well-formed token transaction from a new account with its signature zeroed: it decodes, and
    fails validation (``bad_signature``), as a broken client's would."""
    wallet = Wallet(Account.generate())
    tx = wallet.create_tx(app_logic=(call(TOKEN_ADDRESS, "mint", wallet.address, 100),), max_fee_per_gas=100_000)
    return tx_to_hex(tx.with_signature(bytes(64)))


def valid_tx() -> str:
    """A signed token mint from a new account: valid, so the pool takes it (a client flooding the node)."""
    wallet = Wallet(Account.generate())
    return tx_to_hex(
        wallet.create_tx(app_logic=(call(TOKEN_ADDRESS, "mint", wallet.address, 100),), max_fee_per_gas=100_000)
    )


def send_quietly(url: str, method: str, params: list[Any]) -> None:
    with contextlib.suppress(OSError):
        rpc(url, method, params, timeout_s=2)


def drain(chain: DevL1Chain, address: str, keep_wei: int, sink: str) -> None:
    """Send all but ``keep_wei`` of ``address``'s L1 balance to ``sink`` (the account's owner emptying it)."""
    from aztec.l1.errors import InsufficientFundsError
    from aztec.l1.types import L1TxRequest

    for _ in range(20):
        balance = _balance(chain, address)
        try:
            chain.send_transaction_sync(L1TxRequest(address, sink, value=max(balance - keep_wei, 0)))
            return
        except InsufficientFundsError:
            keep_wei += keep_wei // 10  # the node reserved some for its own pending transactions: leave more
    raise AssertionError(f"could not drain {address}")


def _balance(chain: DevL1Chain, address: str) -> int:
    import asyncio

    return asyncio.run(chain.get_balance(address))
