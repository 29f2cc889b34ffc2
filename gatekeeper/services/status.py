"""/status: protection, the bot's rights, each channel's health and the counts, in the group's
language."""

from __future__ import annotations

from gatekeeper.domain.i18n import Texts
from gatekeeper.domain.model import ChatId
from gatekeeper.domain.observe import observe_line
from gatekeeper.domain.setting_commands import status_line
from gatekeeper.domain.warmup import status_line as warmup_line
from gatekeeper.services.observer import Observer
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram
from gatekeeper.services.registry import Registry


async def status_report(
    gateway: Telegram,
    registry: Registry,
    bot_id: int,
    group_id: ChatId,
    observer: Observer | None = None,
    *,
    join_requests: int = 0,
) -> str:
    t = registry.texts(group_id)
    rules = registry.rules.get(group_id)
    if rules is None or not rules.links:
        return t.tr("Protection is off: no channels are linked. Start with /protect @channel")
    lines = [t.tr("🛡 Protection: on") if rules.protected else t.tr("🛡 Protection: off")]
    if rules.observing and observer is not None:
        lines.append(observe_line(*await observer.today(group_id), t))
    if not rules.acting:
        lines.append(
            t.tr(
                "⏸ I am not an admin here any more, so I have stopped guarding: nobody is muted "
                "or removed until you make me an admin with the rights to ban and delete."
            )
        )
    try:
        me = await gateway.standing(group_id, bot_id)
    except (ChatUnreachable, FloodWaited):
        me = None
    if me is not None and not (me.is_admin and me.can_ban and me.can_delete):
        lines.append(
            t.tr(
                "⚠️ I need the rights to ban users and delete messages here: "
                "nobody can be muted until I have them."
            )
        )
    if rules.linked_channel_id is not None:
        lines.append(await _comments_line(gateway, group_id, t))
    lines.append(status_line(rules.settings, t))
    lines.append(t.tr("Channels:"))
    for link in rules.links:
        health = (
            t.tr("✅ healthy")
            if link.healthy
            else "⚠️ " + (t.known(link.problem) if link.problem else t.tr("unreachable"))
        )
        lines.append(f"• {t.name(link.channel.label)}: {health}")
    lines.append(t.tr("Muted by me: {count}", count=len(registry.restrictions_in(group_id))))
    lines.append(t.tr("Exceptions (/allowed): {count}", count=len(registry.allowed_in(group_id))))
    if join_requests:
        lines.append(t.tr("🚪 Join requests waiting: {count}", count=join_requests))
    seen = len(registry.verified.get(group_id, ()))
    lines.append(t.tr("Seen subscribed since I last started: {count}", count=seen))
    lines.append(warmup_line(registry.warmups.get(group_id), t))
    if rules.log_channel_id is not None:
        lines.append(t.tr("📒 Log channel: on (/logchannel off stops it)"))
    return "\n".join(lines)


async def _comments_line(gateway: Telegram, group_id: ChatId, t: Texts) -> str:
    """Whether a discussion group lets non-members comment (Telegram's join_to_send)."""
    try:
        info = await gateway.chat_info(group_id)
    except (ChatUnreachable, FloodWaited):
        return t.tr("💬 Comments: I could not read whether only members may send.")
    if info.join_to_send:
        return t.tr("💬 Comments: only members of this group may send (join to send is on).")
    return t.tr(
        "💬 Comments: non-members may comment on the channel's posts (join to send is "
        "off); those who lack a channel are muted and told too."
    )
