"""The log channel: a readable line for each thing the bot did in a group, sent in batches
within Telegram's per-chat message budget (the pacing module owns it)."""

from __future__ import annotations

from collections import defaultdict

import structlog

from gatekeeper.domain.i18n import N_
from gatekeeper.domain.journal import LINES, line, split
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
    """Lines wait in memory for a sweep; how far each group's lines were sent is kept in
    storage, so those a stop or a crash cut short are found in the audit trail at the next
    start and sent once."""

    def __init__(self, gateway: Telegram, registry: Registry, notices: Notices) -> None:
        self._gateway = gateway
        self._registry = registry
        self._notices = notices
        self._pending: dict[ChatId, list[AuditEntry]] = defaultdict(list)  # by log channel
        # Lines dropped (too many at once), by log channel: how many, and the latest's entry.
        self._dropped: dict[ChatId, tuple[int, int]] = {}
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
        if rules is None or rules.log_channel_id is None or entry.action not in LINES:
            return
        self._queue(rules.log_channel_id, [entry])

    def _queue(self, channel_id: ChatId, entries: list[AuditEntry]) -> None:
        pending = self._pending[channel_id]
        pending.extend(entries)
        if len(pending) > PENDING_MAX:
            extra = len(pending) - PENDING_MAX
            self._drop(channel_id, extra, max(entry.id for entry in pending[:extra]))
            del pending[:extra]

    def _drop(self, channel_id: ChatId, count: int, last_id: int) -> None:
        dropped, latest = self._dropped.get(channel_id, (0, 0))
        self._dropped[channel_id] = (dropped + count, max(latest, last_id))

    async def load(self) -> int:
        """The lines a previous run owed each log channel (at start): how many."""
        loaded = 0
        for rules in list(self._registry.rules.values()):
            if rules.log_channel_id is None:
                continue
            audit = self._registry.storage.audit
            entries, more = await audit.unlogged(rules.group_id, LINES, PENDING_MAX)
            if more:
                self._drop(rules.log_channel_id, more, entries[0].id - 1)
            self._queue(rules.log_channel_id, entries)
            loaded += len(entries)
        for pending in self._pending.values():
            pending.sort(key=lambda entry: entry.id)  # several groups may share a channel
        return loaded

    def pending(self) -> int:
        return sum(len(entries) for entries in self._pending.values())

    async def sweep(self) -> int:
        """Send what waited, as few messages as the lengths allow, as the budget allows."""
        sent = 0
        for channel_id in list(self._pending):
            try:
                sent += await self._flush(channel_id)
            except FloodWaited as error:
                log.warning("log_channel_postponed", channel_id=channel_id, reason=str(error))
        return sent

    async def _flush(self, channel_id: ChatId) -> int:
        """Messages sent; what the budget or Telegram did not let go waits for a later sweep,
        before anything newer."""
        entries = self._pending.pop(channel_id)  # what is queued meanwhile waits its turn
        dropped, dropped_through = self._dropped.pop(channel_id, (0, 0))
        lines: list[str] = []
        owners: list[int | None] = []  # the index in `entries` of each line's entry
        if dropped:
            t = self._registry.texts(self._group_logging_to(channel_id))
            lines.append(
                t.tr_n(
                    "… {count} earlier line was dropped (too many at once)",
                    "… {count} earlier lines were dropped (too many at once)",
                    dropped,
                )
            )
            owners.append(None)
        try:
            for index, entry in enumerate(entries):
                if (text := await self._line(entry)) is not None:
                    lines.append(text)
                    owners.append(index)
        except BaseException:
            self._put_back(channel_id, entries, dropped, dropped_through)
            raise
        budget = self._gateway.message_budget
        start = 0
        for sent, count in enumerate(split(lines)):
            unsent = next((i for i in owners[start:] if i is not None), len(entries))
            header = dropped if start == 0 else 0
            if not budget.take(channel_id):
                self._put_back(channel_id, entries[unsent:], header, dropped_through)
                return sent
            try:
                message_id = await self._gateway.send(channel_id, "\n".join(lines[start:][:count]))
            except ChatUnreachable:
                message_id = None
            except BaseException:
                self._put_back(channel_id, entries[unsent:], header, dropped_through)
                raise
            if message_id is None:
                await self._lost_channel(channel_id)  # its lines are dropped: not owed any more
                await self._logged(channel_id, entries[unsent:], header and dropped_through)
                return sent
            start += count
            done = next((i for i in owners[start:] if i is not None), len(entries))
            await self._logged(channel_id, entries[unsent:done], header and dropped_through)
        return len(split(lines))

    def _put_back(
        self, channel_id: ChatId, entries: list[AuditEntry], dropped: int, through: int
    ) -> None:
        later = self._pending.pop(channel_id, [])
        self._pending[channel_id] = [*entries, *later]
        if dropped:
            self._drop(channel_id, dropped, through)

    async def _logged(self, channel_id: ChatId, entries: list[AuditEntry], through: int) -> None:
        """The lines of these entries are in the log channel (and those up to `through`, if
        not 0, were dropped and said so): not owed after a restart."""
        audit = self._registry.storage.audit
        try:
            if entries:
                await audit.logged([entry.id for entry in entries])
            if through:
                groups = [
                    r.group_id
                    for r in self._registry.rules.values()
                    if r.log_channel_id == channel_id
                ]
                await audit.logged_through(groups, LINES, through)
        except Exception as error:  # sent again after a restart: a line twice, none lost
            log.warning("log_progress_not_saved", reason=repr(error))

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
