"""The queue of postponed work: what the bot decided and Telegram made wait (a flood wait, an
error, a shutdown with work in flight), kept in the database so that a crash loses none of it.

A batch is written when it is postponed and removed once it is done; a bot killed in between
finds it again at its next start. Work is decided afresh when its turn comes (a mute becomes
a re-check), so a batch done twice mutes and tells no one twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.actions import DeleteMessage, Recheck, Work
from gatekeeper.domain.model import ChatId
from gatekeeper.observability.metrics import Metrics
from gatekeeper.storage import PostponedStore

log = structlog.get_logger(__name__)


@dataclass
class Batch:
    """Work to do once `due` has passed; `row` is its row in storage (None: not saved yet)."""

    due: float
    work: tuple[Work, ...]
    name: str | None
    row: int | None = None
    saving: bool = False  # its row is being written
    finished: bool = False  # done (or found moot) while its row was being written


class PostponedWork:
    """`access_hash` tells what naming a member to Telegram takes; `known` is where the bot
    keeps those it must remember (a session file may lose them in a crash)."""

    def __init__(
        self,
        store: PostponedStore,
        clock: Clock,
        metrics: Metrics,
        access_hash: Callable[[int], Awaitable[int | None]],
        known: MutableMapping[int, int],
    ) -> None:
        self._store = store
        self._clock = clock
        self._metrics = metrics
        self._access_hash = access_hash
        self._known = known
        self._later: list[Batch] = []
        self._queued: set[tuple[Work, ...]] = set()

    async def load(self) -> int:
        """What a previous run left (at start, once storage knows the bot): how many batches."""
        for kept in await self._store.all():
            if kept.work in self._queued:
                await self._store.remove(kept.id)  # the same work twice is done once
                continue
            self._queued.add(kept.work)
            self._later.append(Batch(kept.due_at, kept.work, kept.name, kept.id))
            if kept.access_hash is not None:
                self._known.setdefault(_member(kept.work), kept.access_hash)
        return len(self._later)

    async def add(self, work: tuple[Work, ...], seconds: float, name: str | None) -> None:
        """Do `work` once `seconds` have passed; the same work queued twice is done once."""
        if work in self._queued:
            return
        self._queued.add(work)
        batch = Batch(self._clock.now() + seconds, work, name)
        self._later.append(batch)
        self._metrics.decision("postponed")
        await self._save(batch)

    async def again(self, batch: Batch, seconds: float) -> None:
        """A batch whose turn came must wait once more."""
        if batch.work in self._queued:  # queued anew meanwhile: that one stands
            await self.done(batch)
            return
        batch.due = self._clock.now() + seconds
        batch.finished = False
        self._queued.add(batch.work)
        self._later.append(batch)
        if batch.row is None:
            if not batch.saving:
                await self._save(batch)
            return
        try:
            await self._store.reschedule(batch.row, batch.due)
        except Exception as error:  # still in memory; the row keeps its earlier time
            log.warning("postponed_not_saved", reason=repr(error))

    async def done(self, batch: Batch) -> None:
        """A batch was carried out (or found moot): it is forgotten."""
        batch.finished = True
        if batch.row is None:
            return
        try:
            await self._store.remove(batch.row)
        except Exception as error:  # done again at the next start: harmless
            log.warning("postponed_not_forgotten", reason=repr(error))

    async def owe(
        self,
        pairs: Iterable[tuple[int, int]],
        groups_of: Callable[[int], Iterable[ChatId]],
        seconds: float = 0.0,
    ) -> int:
        """Members whose update was cut short (by a shutdown, or the database away), (chat,
        user): each is re-checked in every group the chat stands for (`groups_of`) once
        `seconds` have passed (at the next start, after a shutdown). How many re-checks."""
        owed = {
            (group_id, user_id) for chat_id, user_id in pairs for group_id in groups_of(chat_id)
        }
        for group_id, user_id in sorted(owed):
            await self.add((Recheck(group_id, user_id, fresh=True),), seconds, None)
        return len(owed)

    def take_due(self, deletions: bool = False) -> list[Batch]:
        """The batches whose wait is over, out of the queue (still stored until `done`):
        only deletions of messages, or (the default) all the rest."""
        now = self._clock.now()
        due = [b for b in self._later if b.due <= now and only_deletions(b.work) is deletions]
        self._later = [batch for batch in self._later if batch not in due]
        self._queued.difference_update(batch.work for batch in due)
        return due

    async def hasten(self, work: tuple[Work, ...]) -> None:
        """Make `work` due now (queued already, or not yet)."""
        for batch in self._later:
            if batch.work == work:
                batch.due = self._clock.now()
                if batch.row is not None:
                    try:
                        await self._store.reschedule(batch.row, batch.due)
                    except Exception as error:  # still due now in memory
                        log.warning("postponed_not_saved", reason=repr(error))
                return
        await self.add(work, 0.0, None)

    async def save_unsaved(self) -> None:
        """Batches the database could not take when they were postponed: try again."""
        for batch in [b for b in self._later if b.row is None and not b.saving]:
            await self._save(batch)

    def members(self) -> set[int]:
        """The members the waiting work is about (0 for work about no one)."""
        return {_member(batch.work) for batch in self._later}

    def pending(self) -> int:
        """Postponed actions still waiting for their turn."""
        return sum(len(batch.work) for batch in self._later)

    def unsaved(self) -> int:
        return sum(batch.row is None for batch in self._later)

    async def _save(self, batch: Batch) -> None:
        batch.saving = True
        try:
            access_hash = await self._access_hash(_member(batch.work))
            batch.row = await self._store.add(
                batch.due, batch.work, batch.name, access_hash=access_hash
            )
        except Exception as error:  # kept in memory, and saved at a later sweep
            log.warning("postponed_not_saved", reason=repr(error))
            return
        finally:
            batch.saving = False
        if batch.finished:
            await self.done(batch)


def only_deletions(work: tuple[Work, ...]) -> bool:
    """Deletions of messages (notices, the bot's replies) are done by the notice service."""
    return all(isinstance(item, DeleteMessage) for item in work)


def _member(work: tuple[Work, ...]) -> int:
    """The member a batch is about (every item of a batch is about the same one)."""
    first = work[0]
    return first.author_id or 0 if isinstance(first, DeleteMessage) else first.user_id
