"""The bot's errors."""


class BotError(Exception):
    """The bot cannot run: the node is unusable for it, or funding failed (the message says which)."""
