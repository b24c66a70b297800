"""Faults injected from outside the node, for the alert fault-injection suite: signals to processes, a
collector that can be black-holed, a rogue client sending bad transactions and bad JSON-RPC calls, an L1
account drained and topped up. Nothing here reaches into the node's code: only its processes, its ports and
its L1."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psutil
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)

from aztec.l1.dev_chain import DevL1Chain
from aztec.simulator import TOKEN_ADDRESS
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.interfaces.aztec_node_codec import tx_to_hex
from aztec.stdlib.tx.tx import call


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
    """An OTLP/HTTP metrics receiver (real HTTP, protobuf parsed) that can be black-holed: it then accepts
    every connection and request and never answers, as a hung collector does, until restored."""

    def __init__(self) -> None:
        self.requests = 0
        self._open = threading.Event()
        self._open.set()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if not collector._open.is_set():
                    collector._open.wait(120)
                    self.close_connection = True
                    return  # no answer at all: the exporter times out
                ExportMetricsServiceRequest().ParseFromString(body)
                collector.requests += 1
                reply = ExportMetricsServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}/v1/metrics"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def black_hole(self) -> None:
        self._open.clear()

    def restore(self) -> None:
        self._open.set()

    def close(self) -> None:
        self.restore()
        self._server.shutdown()
        self._server.server_close()


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
    """Send all but about ``keep_wei`` of ``address``'s available L1 balance to ``sink`` (the account's owner
    emptying it); what the node reserved for its own pending transactions stays reserved."""
    from aztec.l1.errors import InsufficientFundsError
    from aztec.l1.types import L1TxRequest

    value = _balance(chain, address)
    for _ in range(20):
        try:
            chain.send_transaction_sync(L1TxRequest(address, sink, value=max(value, 0)))
            return
        except InsufficientFundsError as refused:
            gas_cost = refused.required - value
            value = refused.balance - gas_cost - keep_wei
    raise AssertionError(f"could not drain {address}")


def _balance(chain: DevL1Chain, address: str) -> int:
    import asyncio

    return asyncio.run(chain.get_balance(address))
