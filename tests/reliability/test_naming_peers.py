"""Naming a member to Telegram when Telethon cannot: the access hash stored with the mute."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from telethon import errors, types

from gatekeeper.telegram.peers import Peers

ALICE = 1_051_711_993


def refusing(code: int, message: str) -> Callable[[int], Awaitable[object]]:
    """Telethon's look-up when its last resort (the id with access hash 0) gets an error."""

    async def lookup(peer_id: int) -> object:
        raise errors.rpc_message_to_error(types.RpcError(code, message), None)

    return lookup


async def test_a_member_telegram_will_not_name_by_id_alone_is_named_by_the_stored_hash() -> None:
    peers = Peers(refusing(400, "USER_ID_INVALID"), {ALICE: 4242})

    assert await peers.input_peer(ALICE) == types.InputPeerUser(ALICE, 4242)


async def test_a_member_nobody_can_name_is_unknown_not_an_error_of_telegrams() -> None:
    peers = Peers(refusing(400, "USER_ID_INVALID"), {})

    with pytest.raises(ValueError):
        await peers.input_peer(ALICE)
    assert await peers.access_hash(ALICE) is None
