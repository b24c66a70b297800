"""Transaction bot (load generator) metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import counter, histogram

BOT_TX_SENT: Final = counter("aztec.bot.tx_sent", "{tx}", "Transactions the bot sent")
BOT_TX_MINED: Final = counter("aztec.bot.tx_mined", "{tx}", "Bot transactions seen mined")
BOT_TX_FAILED: Final = counter("aztec.bot.tx_failed", "{tx}", "Bot transactions rejected, dropped or reverted")
BOT_TX_LATENCY: Final = histogram("aztec.bot.tx_latency", "s", "Time from sending a bot transaction to seeing it mined")
BOT_NODE_UNREACHABLE: Final = counter(
    "aztec.bot.node_unreachable",
    "{request}",
    "Bot requests to its node that got no JSON-RPC answer (connection refused, timeout, not JSON-RPC)",
    attributes=(a.ERROR_TYPE,),
)
