"""The simulated world saved and restored, so that it outlives a bot process killed with
SIGKILL: a test's child process saves it at the instant of the kill, the next one goes on
from there, as Telegram goes on while a bot is down."""

from __future__ import annotations

import io
import pickle
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from telethon import TelegramClient

from gatekeeper.clock import FrozenClock

if TYPE_CHECKING:
    from gatekeeper.sim.server import SimTelegram


class Seen:
    """An update as one viewer sees it (a channel's log keeps factories, which do not pickle)."""

    def __init__(self, update: Any) -> None:
        self.update = update

    def __call__(self, viewer: int) -> Any:
        return self.update


def save(sim: SimTelegram, viewer: int) -> bytes:
    """The world, Telegram's memory of who logged in with which key, and the time; channel
    logs (what getChannelDifference answers) as `viewer`, the one bot that goes on, sees them."""
    world = sim.world
    chats = {
        chat_id: replace(chat, log=[(pts, Seen(make(viewer))) for pts, make in chat.log])
        for chat_id, chat in world.chats.items()
    }
    state = {**vars(world), "chats": chats}
    out = io.BytesIO()
    _Pickler(out).dump({"world": state, "auth": dict(sim._auth), "now": sim.clock.now()})
    return out.getvalue()


def load(sim: SimTelegram, data: bytes) -> None:
    """Go on from a saved world (in place: everything holding the world sees the new one)."""
    saved = _Unpickler(io.BytesIO(data)).load()
    vars(sim.world).clear()
    vars(sim.world).update(saved["world"])
    sim._auth.update(saved["auth"])
    clock = sim.clock
    if isinstance(clock, FrozenClock) and saved["now"] > clock.now():
        clock.advance(saved["now"] - clock.now())


class _Pickler(pickle.Pickler):
    """Telethon hands the sim's own objects to the client, which marks some with itself
    (`message._client`): those references are the old process's and are left behind."""

    def persistent_id(self, obj: Any) -> str | None:
        return "client" if isinstance(obj, TelegramClient) else None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> None:
        return None
