"""Exceptions of the sim: real Telethon RPC errors for clients, plain ones for test actors."""

from __future__ import annotations

from typing import Any

from telethon.errors import rpc_message_to_error
from telethon.tl import types


class RpcFail(Exception):
    """Raised inside request handlers; the sender turns it into Telethon's real RPCError."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message

    def to_telethon(self, request: Any) -> BaseException:
        err: BaseException = rpc_message_to_error(types.RpcError(self.code, self.message), request)
        return err


class SimRefused(Exception):
    """An actor tried something Telegram would refuse, e.g. a muted member posting.

    ``reason`` is the Telegram error message the action would get, e.g. "CHAT_WRITE_FORBIDDEN".
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class SimNotSettled(Exception):
    """``SimTelegram.settle()`` gave up: clients kept receiving updates or requests kept flowing."""
