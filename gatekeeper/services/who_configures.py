"""Who may configure the bot in a group, asked of Telegram afresh (commands and panel alike)."""

from __future__ import annotations

from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.domain.safety import may_configure
from gatekeeper.services.ports import ChatUnreachable, Telegram, UserUnreachable
from gatekeeper.services.registry import Registry


async def configures(
    gateway: Telegram, registry: Registry, group_id: ChatId, user_id: UserId
) -> bool:
    """The creator or an admin with the right to ban (anonymous admins are admins too);
    FloodWaited when Telegram cannot be asked now. Telegram's word corrects the memory."""
    try:
        standing = await gateway.standing(group_id, user_id)
    except (ChatUnreachable, UserUnreachable):
        return False
    if group_id in registry.admins:
        registry.set_admin(group_id, user_id, standing.is_admin)
    return may_configure(standing)
