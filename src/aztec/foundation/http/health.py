"""``GET /healthz`` and ``GET /readyz``: the health probes every listener of a process can mount.

``/healthz`` answers 200 ``{"status": "alive"}`` while the listener serves (liveness). ``/readyz`` runs
the process's :data:`Readiness` checks and answers ``{"ready": ..., "checks": {...}}``, 200 when every
check is true and 503 otherwise. A check that raises or takes longer than ``timeout_s`` means not ready
(``{"checked": false}``), never a 500. Without a readiness callable ``/readyz`` answers ready with no
checks: the listener serving is then all there is to say.

A listener on a thread of its own (the scrape endpoint) gives the loop its checks belong to: they run
there, so they may use that loop's connections and locks.

    probes = HealthProbes(node.readiness)
    probes.add_routes(app.router)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from aiohttp import web

log = logging.getLogger(__name__)

Readiness = Callable[[], Awaitable[Mapping[str, bool]]]
"""Named readiness checks; ready when every one is true."""
READINESS_TIMEOUT_S: Final = 5.0
"""Longer than a Kubernetes probe's default timeout (1 s) allows, so a slow check shows as not ready."""
NOT_CHECKED: Final = {"checked": False}
"""The checks of a readiness callable that raised or timed out."""


class HealthProbes:
    """The two probe handlers over one (replaceable) readiness callable."""

    def __init__(
        self,
        readiness: Readiness | None = None,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_s: float = READINESS_TIMEOUT_S,
    ) -> None:
        """``loop``: where the checks run (None: the listener's own loop)."""
        self.timeout_s = timeout_s
        self._readiness = readiness
        self._loop = loop

    def set_readiness(self, readiness: Readiness | None, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Replace the checks (None: ready with no checks); ``loop`` as in the constructor."""
        self._readiness, self._loop = readiness, loop

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/healthz", self.healthz)
        router.add_get("/readyz", self.readyz)

    async def checks(self) -> dict[str, bool] | None:
        """The named checks, :data:`NOT_CHECKED` if they failed, None when there are none to run."""
        readiness, loop = self._readiness, self._loop
        if readiness is None:
            return None
        try:
            if loop is None or loop is asyncio.get_running_loop():
                checks = await asyncio.wait_for(readiness(), self.timeout_s)
            else:
                future = asyncio.run_coroutine_threadsafe(_run(readiness), loop)
                checks = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout_s)
            return {str(name): bool(value) for name, value in checks.items()}
        except Exception as error:  # a failing or hanging check means not ready, never a 500
            log.warning("readiness check failed: %r", error)
            return dict(NOT_CHECKED)

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(self, request: web.Request) -> web.Response:
        checks = await self.checks()
        if checks is None:
            return web.json_response({"ready": True, "checks": {}})
        ready = all(checks.values())
        return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)


async def _run(readiness: Readiness) -> Mapping[str, bool]:
    return await readiness()
