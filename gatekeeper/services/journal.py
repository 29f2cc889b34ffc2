"""The log channel: a readable line for each thing the bot did in a group, sent in batches
within Telegram's per-chat message budget (the pacing module owns it)."""

from __future__ import annotations

from collections import defaultdict

import structlog

from gatekeeper.domain.i18n import N_
from gatekeeper.domain.journal import line, pack
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.services.notices import Notices
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram
from gatekeeper.services.registry import Registry
from gatekeeper.storage.audit import AuditEntry

log = structlog.get_logger(__name__)

PENDING_MAX = 2_000  # lines waiting per log channel; beyond, the oldest are counted, not kept
NAMES_MAX = 10_000
LOST_CHANNEL = N_(
    "⚠️ Admins: I can no longer post in the log channel, so its lines are dropped. "
    "Make me an admin there with the right to post, or /logchannel off."
)


class Journal:
    def __init__(self, gateway: Telegram, registry: Registry, notices: Notices) -> None:
        self._gateway = gateway
        self._registry = registry
        self._notices = notices
        # By log channel: entries, or text that waited for the budget already.
        self._pending: dict[ChatId, list[AuditEntry | str]] = defaultdict(list)
        self._dropped: dict[ChatId, int] = defaultdict(int)
        self._names: dict[UserId, str] = {}
        self._lost: set[ChatId] = set()  # groups told that their log channel refuses the bot
        registry.storage.audit.listeners.append(self.on_audit)

    def remember_name(self, user_id: UserId, name: str) -> None:
        if len(self._names) >= NAMES_MAX:
            self._names.clear()
        self._names[user_id] = name

    def on_audit(self, entry: AuditEntry) -> None:
        """Queue a line for the group's log channel, if it has one."""
        rules = self._registry.rules.get(entry.group_id or 0)
        if rules is None or rules.log_channel_id is None:
            return
        pending = self._pending[rules.log_channel_id]
        pending.append(entry)
        if len(pending) > PENDING_MAX:
            del pending[0]
            self._dropped[rules.log_channel_id] += 1

    def pending(self) -> int:
        return sum(len(entries) for entries in self._pending.values())

    async def sweep(self) -> int:
        """Send what waited, as few messages as the lengths allow, as the budget allows."""
        sent = 0
        for channel_id in list(self._pending):
            try:
                sent += await self._flush(channel_id)
            except (FloodWaited, ChatUnreachable) as error:
                log.warning("log_channel_postponed", channel_id=channel_id, reason=str(error))
        return sent

    async def _flush(self, channel_id: ChatId) -> int:
        entries = self._pending.pop(channel_id)  # what is queued meanwhile waits its turn
        lines = [text for entry in entries if (text := await self._line(entry)) is not None]
        dropped = self._dropped.pop(channel_id, 0)
        if dropped:
            t = self._registry.texts(self._group_logging_to(channel_id))
            lines.insert(
                0,
                t.tr_n(
                    "… {count} earlier line was dropped (too many at once)",
                    "… {count} earlier lines were dropped (too many at once)",
                    dropped,
                ),
            )
        budget = self._gateway.message_budget
        messages = pack(lines)
        for index, text in enumerate(messages):
            if not budget.take(channel_id):
                # Waits, as text, for the next sweep, before anything newer.
                later = self._pending.pop(channel_id, [])
                self._pending[channel_id] = [*messages[index:], *later]
                return index
            try:
                sent = await self._gateway.send(channel_id, text)
            except FloodWaited:
                self._pending[channel_id] = [*messages[index:], *self._pending[channel_id]]
                raise
            if sent is None:
                await self._lost_channel(channel_id)
                return index
        return len(messages)

    async def _line(self, entry: AuditEntry | str) -> str | None:
        if isinstance(entry, str):
            return entry
        rules = self._registry.rules.get(entry.group_id or 0)
        t = self._registry.texts(entry.group_id or 0)
        member = await self._name(entry.user_id) if entry.user_id else None
        by_id = entry.detail.get("by_id")
        admin = await self._name(by_id) if isinstance(by_id, int) else None
        if "by_id" in entry.detail and by_id is None:
            admin = t.tr("an anonymous admin")
        channels = {link.channel.id: link.channel.label for link in (rules.links if rules else ())}
        return line(
            entry.action,
            entry.detail,
            group=rules.title if rules else str(entry.group_id),
            member=member,
            admin=admin,
            t=t,
            label=lambda channel_id: channels.get(channel_id, str(channel_id)),
        )

    async def _name(self, user_id: UserId) -> str:
        name = self._names.get(user_id)
        if name is None:
            found = await self._gateway.first_name(user_id)
            name = f"{found} ({user_id})" if found else str(user_id)
            self.remember_name(user_id, name)
        return name

    async def _lost_channel(self, channel_id: ChatId) -> None:
        for rules in list(self._registry.rules.values()):
            if rules.log_channel_id == channel_id and rules.group_id not in self._lost:
                self._lost.add(rules.group_id)
                t = self._registry.texts(rules.group_id)
                await self._notices.say(rules.group_id, t.tr(LOST_CHANNEL))

    def _group_logging_to(self, channel_id: ChatId) -> ChatId:
        found = (
            r.group_id for r in self._registry.rules.values() if r.log_channel_id == channel_id
        )
        return next(found, 0)

    def found_again(self, group_id: ChatId) -> None:
        """The group's log channel was set (again): a later refusal is told again."""
        self._lost.discard(group_id)
