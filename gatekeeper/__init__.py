"""Gatekeeper: keeps a Telegram group's chat for the subscribers of the group's channels."""

__version__ = "0.1.0"
