"""The bot's settings (:class:`aztec.bot.config.BotConfig`)."""

from __future__ import annotations

from typing import Final

from aztec.foundation.settings import FloatSetting, IntSetting, TextSetting

BOT_TPS: Final = FloatSetting(
    key="bot_tps",
    flag="--bot-tps",
    variable="AZTEC_BOT_TPS",
    default=2.0,
    minimum=0.001,
    maximum=10_000.0,
    metavar="TPS",
    help="Bot transfers per second.",
)
BOT_ACCOUNTS: Final = IntSetting(
    key="bot_accounts",
    flag="--bot-accounts",
    variable="AZTEC_BOT_ACCOUNTS",
    default=4,
    minimum=1,
    maximum=10_000,
    metavar="N",
    help="Bot sender accounts.",
)
BOT_RPC_URL: Final = TextSetting(
    key="bot_rpc_url",
    flag="--bot-rpc-url",
    variable="AZTEC_BOT_RPC_URL",
    default="",
    metavar="URL",
    help="Node the bot sends to (default: this process's sequencer, else http://RPC-HOST:RPC-PORT/).",
    default_doc="this process's sequencer, else `http://RPC-HOST:RPC-PORT/`",
    accepted_doc="an http(s) URL",
)
