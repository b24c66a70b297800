"""Running blocking work in a thread without letting a cancellation outrun it.

``asyncio.to_thread`` raises ``CancelledError`` in the awaiting task at once while the thread keeps
running. If the task then releases a lock or closes what the thread is using (an LMDB environment on
shutdown, say), the thread works on freed memory and the process can crash. :func:`run_in_thread`
waits for the thread to finish before the cancellation propagates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


async def run_in_thread(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``await func(*args, **kwargs)`` in the default executor; a cancellation waits for it to return."""
    work = asyncio.ensure_future(asyncio.to_thread(func, *args, **kwargs))
    cancelled = False
    while not work.done():
        try:
            await asyncio.shield(work)
        except asyncio.CancelledError:
            cancelled = True  # the thread is still running: let it finish, then cancel
        except Exception:
            break  # the work failed; work.result() below raises it
    if cancelled:
        if not work.cancelled():
            work.exception()  # retrieved: the cancellation wins over the work's own failure
        raise asyncio.CancelledError
    return work.result()
