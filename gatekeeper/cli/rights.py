"""The bot's rights in each protected group and each channel it requires, for `doctor`."""

from __future__ import annotations

from telethon import TelegramClient

from gatekeeper.cli.diagnosis import Finding, fail, ok
from gatekeeper.clock import SystemClock
from gatekeeper.domain.model import ChannelLink, GroupRules
from gatekeeper.observability.metrics import Metrics
from gatekeeper.settings import Settings
from gatekeeper.storage import Storage, create_engine
from gatekeeper.telegram.gateway import ChatUnreachable, FloodWaited, Gateway
from gatekeeper.telegram.participants import Standing

GROUP_FIX = "promote the bot in the group with 'Ban users' and 'Delete messages'"
CHANNEL_FIX = "add the bot as an admin of the channel (no special rights needed)"
INVITE_FIX = "give the bot 'Invite users via link' in the channel, for the join button"


async def rights_findings(settings: Settings, client: TelegramClient, bot_id: int) -> list[Finding]:
    storage = Storage.on(create_engine(settings.database_url))
    try:
        await storage.bind(bot_id)
        groups = [g for g in await storage.groups.load_all() if g.protected]
    except Exception as error:
        return [fail("groups", f"cannot read them: {type(error).__name__}", "see database")]
    finally:
        await storage.close()
    if not groups:
        return [ok("groups", "no protected group yet: send /protect @channel in a group")]
    gateway = Gateway(client, Metrics(), SystemClock())
    findings: list[Finding] = []
    for group in groups:
        findings.append(await _group(gateway, group, bot_id))
        for link in group.links:
            findings.append(await _channel(gateway, group, link, bot_id))
    return findings


async def _standing(gateway: Gateway, chat_id: int, bot_id: int) -> Standing | str:
    try:
        return await gateway.standing(chat_id, bot_id)
    except (ChatUnreachable, FloodWaited) as error:
        return str(error)


async def _group(gateway: Gateway, group: GroupRules, bot_id: int) -> Finding:
    name = f"group {group.title or group.group_id}"
    standing = await _standing(gateway, group.group_id, bot_id)
    if isinstance(standing, str):
        return fail(name, standing, "add the bot back to the group as an admin")
    missing = [
        right
        for right, has in (
            ("ban users", standing.can_ban),
            ("delete messages", standing.can_delete),
        )
        if not (standing.is_admin and has)
    ]
    if missing:
        return fail(name, "the bot lacks: " + ", ".join(missing), GROUP_FIX)
    return ok(name, f"admin with the rights it needs; {len(group.links)} channel(s) required")


async def _channel(gateway: Gateway, group: GroupRules, link: ChannelLink, bot_id: int) -> Finding:
    name = f"  channel {link.channel.label}"
    standing = await _standing(gateway, link.channel.id, bot_id)
    if isinstance(standing, str):
        return fail(name, standing, CHANNEL_FIX)
    if not standing.is_admin:
        return fail(name, "the bot is not an admin: it cannot check subscribers", CHANNEL_FIX)
    if link.channel.username is None and not standing.can_invite:
        return fail(name, "private channel and no invite right", INVITE_FIX)
    return ok(name, "admin" + ("" if link.healthy else f" (was unhealthy: {link.problem})"))
