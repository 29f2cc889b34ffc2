"""Finding the chat an admin named (for /protect and /logchannel), with a clear word if not."""

from __future__ import annotations

from gatekeeper.domain.commands import ChannelRef, CommandError
from gatekeeper.domain.i18n import Known, Name
from gatekeeper.services.ports import ChatInfo, ChatUnreachable, Telegram


async def look_up(gateway: Telegram, ref: ChannelRef) -> ChatInfo:
    """What `ref` names; CommandError saying how to name it otherwise."""
    if ref.invite_hash is not None:
        raise CommandError(
            "{channel}: I cannot open invite links; send the channel's numeric id "
            "(forward a post to @userinfobot to see it) or its @username",
            channel=Name(ref.text),
        )
    target: int | str = ref.channel_id if ref.channel_id is not None else f"@{ref.username}"
    try:
        return await gateway.chat_info(target)
    except ChatUnreachable as error:
        raise CommandError(
            "{channel}: {reason}. Check the name; if the channel is private, "
            "add me to it as an admin first",
            channel=Name(ref.text),
            reason=Known(str(error)),
        ) from None
