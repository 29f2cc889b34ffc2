"""Whether a group can require a channel: a broadcast channel the bot is an admin of, and for a
private one an invite link the bot can make."""

from __future__ import annotations

from gatekeeper.domain.commands import ChannelRef, CommandError
from gatekeeper.domain.i18n import N_, Known, Name
from gatekeeper.domain.model import Channel, ChatId, UserId
from gatekeeper.services.lookup import look_up
from gatekeeper.services.ports import ChatUnreachable, Telegram

NOT_A_CHANNEL = {
    "supergroup": N_(
        "{channel}: that is a group, not a channel; only a broadcast channel can be required"
    ),
    "basic_group": N_(
        "{channel}: that is a basic group, not a channel; only a broadcast channel can be required"
    ),
    "user": N_(
        "{channel}: that is a person, not a channel; only a broadcast channel can be required"
    ),
    "bot": N_("{channel}: that is a bot, not a channel; only a broadcast channel can be required"),
}


async def check_channel(
    gateway: Telegram, bot_id: UserId, group_id: ChatId, ref: ChannelRef
) -> tuple[Channel, CommandError | None]:
    """The channel `ref` names, if the group can require it, and a warning to pass on."""
    info = await look_up(gateway, ref)
    if info.id == group_id:
        raise CommandError(
            "{channel}: that is this group itself; name the channel members must join",
            channel=Name(ref.text),
        )
    if info.kind != "channel":
        raise CommandError(NOT_A_CHANNEL[info.kind], channel=Name(ref.text))
    try:
        me = await gateway.standing(info.id, bot_id)
    except ChatUnreachable as error:
        raise CommandError(
            "{channel}: {reason}; add me to the channel as an admin so I can see its members",
            channel=Name(info.title),
            reason=Known(str(error)),
        ) from None
    if not me.is_admin:
        raise CommandError(
            "{channel}: I am not an admin there; add me as an admin (no special rights "
            "needed) so I can see its members",
            channel=Name(info.title),
        )
    warning = None
    invite = None
    if not info.username:
        invite = await gateway.export_invite(info.id)
        if invite is None:
            warning = CommandError(
                "{channel} is private and I could not create an invite link: give me "
                "the right to invite users there, or members will get no join button",
                channel=Name(info.title),
            )
    return Channel(info.id, info.title, info.username, invite), warning
