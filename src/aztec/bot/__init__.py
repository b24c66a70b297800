"""``aztec.bot``: a load generator that funds accounts and sends token transfers to a node over JSON-RPC."""

from aztec.bot.bot import Bot
from aztec.bot.config import BotConfig
from aztec.bot.errors import BotError
from aztec.bot.stats import BotState, BotStats, FailureKind

__all__ = ["Bot", "BotConfig", "BotError", "BotState", "BotStats", "FailureKind"]
