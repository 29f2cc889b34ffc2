"""Naming users and chats to Telegram: Telethon's cache and session first, stored hashes next.

Telethon keeps the access hashes it learns in memory and writes them to the session file only
about once a minute and on a clean disconnect. A bot stopped in between (SIGTERM, SIGKILL), or
started with a lost or renamed session file, would not know how to name a member it muted a
moment ago. Storage records the hash with every mute and link; this is where it is used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telethon import errors, types, utils

# Telethon does not know the peer (ValueError), or its last resort, the id alone (access hash
# 0), was refused with an error rather than answered with an empty user.
UNNAMED: tuple[type[Exception], ...] = (
    ValueError,
    errors.UserIdInvalidError,
    errors.PeerIdInvalidError,
)

Lookup = Callable[[int], Awaitable[Any]]  # Telethon's get_input_entity, as the gateway runs it


class Peers:
    def __init__(self, lookup: Lookup, known: Mapping[int, int]) -> None:
        self._lookup = lookup
        self._known = known  # marked id -> access hash, as storage recorded it

    async def input_peer(self, peer_id: int) -> Any:
        """The input peer for a marked id; ValueError when neither Telethon nor storage knows
        it (or Telegram refuses the id alone)."""
        try:
            return await self._lookup(peer_id)
        except UNNAMED as error:
            access_hash = self._known.get(peer_id)
            if access_hash is None:
                raise ValueError(f"cannot name {peer_id}") from error
        bare_id, kind = utils.resolve_id(peer_id)
        if kind is types.PeerUser:
            return types.InputPeerUser(bare_id, access_hash)
        if kind is types.PeerChannel:
            return types.InputPeerChannel(bare_id, access_hash)
        raise ValueError(f"a basic group ({peer_id}) has no access hash")

    async def access_hash(self, peer_id: int) -> int | None:
        """The access hash this bot names a user or chat by, if it knows one (to store it)."""
        try:
            peer = await self.input_peer(peer_id)
        except (ValueError, errors.RPCError):
            return None
        access_hash = getattr(peer, "access_hash", None)
        return int(access_hash) if access_hash else None
