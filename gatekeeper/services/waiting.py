"""Notices waiting for a group's message budget (or for their member's last notice to age).

Each is written to storage when it has to wait (a rare path: the group's budget is spent) and
removed once it is sent or no longer owed, so a stop or a crash loses none: the next start
finds them and sends each once. One a previous run left is sent only if its member still
stands where the notice assumed (still in the group, still muted by the bot).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import structlog

from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.domain.owed import OwedNotice, owed_after_restart, still_owed
from gatekeeper.domain.standing import Standing
from gatekeeper.services.ports import Telegram, UserUnreachable
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)


@dataclass(eq=False)
class Waiting:
    notice: OwedNotice
    row: int | None = None  # its row in storage (None: not saved yet)
    restored: bool = False  # left by a previous run: where the member stands is asked first
    saving: bool = False  # its row is being written


class WaitingNotices:
    """By group, by member: the notice each waits for (a newer one replaces an older)."""

    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        access_hash: Callable[[int], Awaitable[int | None]],
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._store = registry.storage.notices
        self._access_hash = access_hash
        self.by_group: dict[ChatId, dict[UserId, Waiting]] = {}
        self.bot_id = 0
        # Whether the start's reconciliation is done: until then the bot's records may not
        # show what changed while it was away, and notices a previous run left wait.
        self.reconciled: Callable[[], bool] = lambda: True

    async def add(self, notice: OwedNotice) -> None:
        waiting = self.by_group.setdefault(notice.group_id, {})
        older = waiting.pop(notice.user_id, None)
        if older is not None:
            await self.forget_rows([older])
        entry = waiting[notice.user_id] = Waiting(notice)
        await self._save(entry)

    async def forget(self, group_id: ChatId, user_id: UserId) -> None:
        """A member no longer needs telling (released before their turn came)."""
        entry = self.by_group.get(group_id, {}).pop(user_id, None)
        if entry is not None:
            await self.forget_rows([entry])

    async def forget_rows(self, entries: Iterable[Waiting]) -> None:
        """Notices sent or dropped: out of storage (one still being written goes once it is)."""
        rows = [entry.row for entry in entries if entry.row is not None]
        if not rows:
            return
        try:
            await self._store.remove(rows)
        except Exception as error:  # found again at the next start, and weighed again there
            log.warning("notice_not_forgotten", reason=repr(error))

    async def load(self) -> int:
        """What a previous run left (at start, once storage knows the bot): how many."""
        loaded = 0
        for row, notice, access_hash in await self._store.all():
            waiting = self.by_group.setdefault(notice.group_id, {})
            older = waiting.get(notice.user_id)
            waiting[notice.user_id] = Waiting(notice, row, restored=True)
            if older is not None:
                await self.forget_rows([older])  # the newer notice stands
            else:
                loaded += 1
            if access_hash is not None:
                self._registry.access_hashes.setdefault(notice.user_id, access_hash)
        return loaded

    async def weed(self, group_id: ChatId) -> None:
        """Drop the group's notices no longer owed (released, left, promoted meanwhile)."""
        waiting = self.by_group.get(group_id, {})
        for user_id, entry in list(waiting.items()):
            restriction = self._registry.restriction(group_id, user_id)
            if entry.restored:
                if not self.reconciled():
                    continue
                try:
                    member: Standing | None = await self._gateway.standing(group_id, user_id)
                except UserUnreachable:
                    member = None
                except Exception as error:  # asked again at a later sweep
                    log.warning("notice_check_postponed", group_id=group_id, reason=repr(error))
                    return
                owed = owed_after_restart(entry.notice, restriction, member, self.bot_id)
                entry.restored = False
            else:
                owed = still_owed(entry.notice, restriction)
            if not owed and waiting.get(user_id) is entry:
                del waiting[user_id]
                log.info("notice_dropped", group_id=group_id, user_id=user_id)
                await self.forget_rows([entry])

    async def save_unsaved(self) -> None:
        """Notices the database could not take when they had to wait: try again."""
        for waiting in list(self.by_group.values()):
            for entry in list(waiting.values()):
                if entry.row is None and not entry.saving:
                    await self._save(entry)

    def unsaved(self) -> int:
        return sum(e.row is None for waiting in self.by_group.values() for e in waiting.values())

    def pending(self) -> int:
        return sum(len(waiting) for waiting in self.by_group.values())

    def prune(self) -> None:
        for group_id in [g for g, waiting in self.by_group.items() if not waiting]:
            del self.by_group[group_id]

    async def _save(self, entry: Waiting) -> None:
        notice = entry.notice
        entry.saving = True
        try:
            access_hash = await self._access_hash(notice.user_id)
            entry.row = await self._store.add(notice, access_hash=access_hash)
        except Exception as error:  # kept in memory, and saved at the stop
            log.warning("notice_not_saved", reason=repr(error))
            return
        finally:
            entry.saving = False
        if self.by_group.get(notice.group_id, {}).get(notice.user_id) is not entry:
            await self.forget_rows([entry])  # sent or dropped while it was being written
