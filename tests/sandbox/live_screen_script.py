"""Shows ``aztec start``'s live screen while logging lines through the root logger (run in tmux by a test).

Logs ``log line 0`` .. ``log line 29`` from another thread and the loop, prints ``LOGS DONE`` as a log
line, then keeps the screen up until the file named by argv[1] exists.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from pathlib import Path

from rich.console import Console

from aztec.foundation.logs import configure_logging
from aztec.sandbox.runner import Running, show_live
from aztec.sandbox.status import StatusBoard


async def main(stop_file: Path) -> None:
    configure_logging(logging.INFO)  # as ``aztec start`` does before the screen starts
    log = logging.getLogger("aztec.demo")
    stop = asyncio.Event()
    console = Console(highlight=False, soft_wrap=True)

    def from_a_thread() -> None:
        for i in range(0, 30, 2):
            log.warning("log line %d", i)

    async def drive() -> None:
        await asyncio.sleep(0.5)
        thread = threading.Thread(target=from_a_thread)
        thread.start()
        for i in range(1, 30, 2):
            log.warning("log line %d", i)
            await asyncio.sleep(0.05)
        thread.join()
        await asyncio.sleep(1.5)  # a few screen refreshes after the last line
        log.warning("LOGS DONE")
        while not stop_file.exists():  # noqa: ASYNC240 (a test script polling a file)
            await asyncio.sleep(0.1)
        stop.set()

    driver = asyncio.create_task(drive())
    await show_live(Running(), StatusBoard(title="aztec --node"), stop, console)
    await driver


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
