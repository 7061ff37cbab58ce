"""Chat channels: each verifies a platform's requests, parses them to (sender, text) and
formats the replies. See framework.channels.base.Channel."""
from framework.channels.base import Channel, ChannelError, Incoming

__all__ = ["Channel", "ChannelError", "Incoming"]
