"""Notices to muted members, within Telegram's message budget, and their timely removal."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence

import structlog

from gatekeeper.clock import Clock
from gatekeeper.domain.actions import DeleteMessage
from gatekeeper.domain.callbacks import NoticeButtons, encode_verify
from gatekeeper.domain.i18n import ENGLISH, N_, Texts
from gatekeeper.domain.keyboard import deep_link
from gatekeeper.domain.limits import MESSAGE_MAX, clip, listing
from gatekeeper.domain.mentions import FSI, PDI, isolated, mention
from gatekeeper.domain.model import Channel, ChatId, UserId
from gatekeeper.domain.notice_text import BATCH_SIZE, CHANNELS_BUDGET, fill, standard_notice
from gatekeeper.domain.owed import OwedNotice
from gatekeeper.domain.self_help import START_PAYLOAD
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram
from gatekeeper.services.postponed import Batch, PostponedWork
from gatekeeper.services.registry import Registry
from gatekeeper.services.waiting import WaitingNotices

log = structlog.get_logger(__name__)

# How a member whose name shows nothing (only spaces or direction marks) is addressed.
NAMELESS = N_("Hello")
RETRY_DELETE = 30.0  # seconds before a deletion that failed is tried again
MEMBER_INTERVAL = 60.0  # at most one notice per member per group in this many seconds


def channel_names(channels: Sequence[Channel], t: Texts = ENGLISH) -> str:
    """The channels' names for a notice (HTML), shortened with a count when they are many."""
    return html.escape(listing([FSI + c.label + PDI for c in channels], CHANNELS_BUDGET, t))


def notice_text(
    user_id: UserId,
    name: str | None,
    channels: Sequence[Channel],
    any_of: bool = False,
    t: Texts = ENGLISH,
) -> str:
    return standard_notice(
        t,
        mention(user_id, name, t.tr(NAMELESS)),
        channel_names(channels, t),
        any_of=any_of,
        many=False,
    )


def notice_buttons(t: Texts, channels: Sequence[Channel], data: bytes) -> NoticeButtons:
    """A join button per channel and "I have joined", labelled in `t`'s language."""
    joins = tuple(t.tr("Join {channel}", channel=FSI + c.title + PDI) for c in channels)
    return NoticeButtons(tuple(channels), data, joins, t.tr("✅ I have joined"))


class Notices:
    """Deletions (of notices when their time is up or their member is released, of the bot's
    replies) are postponed work: kept in storage, so a crash leaves no notice behind."""

    def __init__(
        self,
        gateway: Telegram,
        clock: Clock,
        metrics: Metrics,
        registry: Registry,
        queue: PostponedWork,
        waiting: WaitingNotices,
    ) -> None:
        self._gateway = gateway
        self._registry = registry
        self._clock = clock
        self._metrics = metrics
        self._queue = queue
        self._last_notice: dict[tuple[ChatId, UserId], float] = {}
        self._budget = gateway.message_budget  # the gateway's pacer owns it
        # Members muted while the group's budget was spent: told together when it allows.
        self.waiting = waiting
        self.bot_username: str | None = None  # known once logged in: for deep links

    def allowed(self, group_id: ChatId, user_id: UserId) -> bool:
        last = self._last_notice.get((group_id, user_id))
        return last is None or self._clock.now() - last >= MEMBER_INTERVAL

    def _take_budget(self, group_id: ChatId) -> bool:
        return self._budget.take(group_id)

    async def post(
        self,
        group_id: ChatId,
        user_id: UserId,
        name: str | None,
        channels: Sequence[Channel],
        ttl: float,
        reply_to: int | None = None,
        any_of: bool = False,
    ) -> int | None:
        """Post a notice with a button per channel; its message id, or None if skipped.

        `reply_to` puts it in a thread (a discussion group's comments, where a commenter who
        is not a member reads).
        """
        if not self.allowed(group_id, user_id) or not self._take_budget(group_id):
            # Told a moment ago, or the group's budget is spent: told at a later sweep.
            muted = self._registry.restriction(group_id, user_id) is not None
            notice = OwedNotice(
                group_id, user_id, name, tuple(channels), ttl, reply_to, any_of, muted
            )
            self._metrics.decision("notice_batched")
            await self.waiting.add(notice)
            return None
        self._last_notice[(group_id, user_id)] = self._clock.now()
        try:
            if name is None:
                name = await self._gateway.first_name(user_id)
            message_id = await self._gateway.send(
                group_id,
                self._text(group_id, {user_id: name}, channels, any_of),
                buttons=self._buttons(group_id, channels, encode_verify(user_id)),
                html=True,
                reply_to=reply_to,
            )
        except BaseException:
            del self._last_notice[(group_id, user_id)]  # not told: may be told again
            raise
        if message_id is not None:
            self._metrics.decision("notice")
            await self.delete_later(group_id, message_id, ttl)
        return message_id

    async def say(
        self,
        group_id: ChatId,
        text: str,
        *,
        ttl: float | None = None,
        reply_to: int | None = None,
    ) -> int | None:
        """A message from the bot to a group: counted against the budget, and sent unless
        Telegram makes it wait long or cannot be reached (it would come too late to help: it
        is dropped, and said so in the log); its message id, or None."""
        self._budget.spend(group_id)
        try:
            message_id = await self._gateway.send(
                group_id, clip(text, MESSAGE_MAX), reply_to=reply_to
            )
        except Exception as error:  # what the bot was doing besides goes on
            log.warning("message_dropped", group_id=group_id, reason=repr(error))
            return None
        if message_id is not None and ttl is not None:
            await self.delete_later(group_id, message_id, ttl)
        return message_id

    def _text(
        self,
        group_id: ChatId,
        people: dict[UserId, str | None],
        channels: Sequence[Channel],
        any_of: bool,
    ) -> str:
        """The notice in the group's language, or the group's own text, naming `people`."""
        t = self._registry.texts(group_id)
        nameless = t.tr(NAMELESS)
        names = ", ".join(mention(u, name, nameless) for u, name in people.items())
        listed = channel_names(channels, t)
        rules = self._registry.rules.get(group_id)
        own = rules.settings.notice_text if rules else None
        if own:
            group = isolated(rules.title) if rules and rules.title else ""
            return fill(own, name=names, channels=listed, group=group)  # as the admins wrote it
        return standard_notice(t, names, listed, any_of=any_of, many=len(people) > 1) + self._help(
            t
        )

    def deep_link(self, payload: str) -> str | None:
        return deep_link(self.bot_username, payload) if self.bot_username else None

    def _help(self, t: Texts) -> str:
        """A line linking to the member's own view in private (the link names nobody)."""
        link = self.deep_link(START_PAYLOAD)
        if link is None:
            return ""
        words = html.escape(t.tr("💬 Why can't I write? Ask me in private"), quote=False)
        return f'\n<a href="{html.escape(link)}">{words}</a>'

    def _buttons(self, group_id: ChatId, channels: Sequence[Channel], data: bytes) -> NoticeButtons:
        t = self._registry.texts(group_id)
        joins = tuple(t.tr("Join {channel}", channel=FSI + c.title + PDI) for c in channels)
        return NoticeButtons(tuple(channels), data, joins, t.tr("✅ I have joined"))

    async def delete_later(self, chat_id: ChatId, message_id: int, after: float) -> None:
        await self._queue.add((DeleteMessage(chat_id, message_id),), after, None)

    def waiting_members(self) -> set[UserId]:
        """The members still to be told (a notice mentions each of them)."""
        return {user_id for waiting in self.waiting.by_group.values() for user_id in waiting}

    async def forget_waiting(self, group_id: ChatId, user_id: UserId) -> None:
        """A member no longer needs telling (released before their turn came)."""
        await self.waiting.forget(group_id, user_id)

    async def _send_batches(self) -> None:
        for group_id, waiting in list(self.waiting.by_group.items()):
            if not waiting or self._budget.left(group_id) <= 0:
                continue
            await self.waiting.weed(group_id)
            while True:
                ready = [
                    u for u, w in waiting.items() if not w.restored and self.allowed(group_id, u)
                ]
                # Named together only under the same post (or none): each reads where they wrote.
                thread = waiting[ready[0]].notice.thread if ready else None
                ready = [u for u in ready if waiting[u].notice.thread == thread][:BATCH_SIZE]
                if not ready or not self._take_budget(group_id):
                    break
                batch = {user_id: waiting.pop(user_id) for user_id in ready}
                for user_id in batch:
                    self._last_notice[(group_id, user_id)] = self._clock.now()
                try:
                    await self._send_batch(group_id, {u: w.notice for u, w in batch.items()})
                except (FloodWaited, ChatUnreachable) as error:
                    for user_id, entry in batch.items():  # told at a later sweep
                        if waiting.setdefault(user_id, entry) is not entry:
                            await self.waiting.forget_rows([entry])  # a newer one stands
                    log.warning("batch_notice_failed", group_id=group_id, reason=str(error))
                    break
                await self.waiting.forget_rows(batch.values())

    async def _send_batch(
        self,
        group_id: ChatId,
        batch: dict[UserId, OwedNotice],
    ) -> None:
        channels = list({c.id: c for told in batch.values() for c in told.channels}.values())
        ttl = max(told.ttl for told in batch.values())
        thread = next(iter(batch.values())).thread
        any_of = all(told.any_of for told in batch.values())
        text = self._text(group_id, {u: told.name for u, told in batch.items()}, channels, any_of)
        # One member: their own button; several: the button checks whoever presses.
        data = encode_verify(next(iter(batch)) if len(batch) == 1 else 0)
        buttons = self._buttons(group_id, channels, data)
        message_id = await self._gateway.send(
            group_id, text, buttons=buttons, html=True, reply_to=thread
        )
        if message_id is not None:
            self._metrics.decision("notice")
            await self.delete_later(group_id, message_id, ttl)
            if len(batch) == 1:  # theirs alone: removed when they are released
                await self._registry.set_notice(group_id, next(iter(batch)), message_id)
            for user_id in batch:
                log.info("notice", group_id=group_id, user_id=user_id, batched=len(batch))

    async def sweep(self) -> int:
        """Send notices that waited for the budget; delete messages whose time has come."""
        await self._send_batches()
        deleted = await self._delete_due()
        now = self._clock.now()
        for key in [k for k, at in self._last_notice.items() if now - at >= MEMBER_INTERVAL]:
            del self._last_notice[key]
        self.waiting.prune()
        self._budget.prune()
        return deleted

    async def remove(self, group_id: ChatId, message_id: int | None) -> None:
        """Delete a notice now (its member was released); kept until done, should Telegram
        make it wait or the bot die first."""
        if message_id is None:
            return
        await self._queue.hasten((DeleteMessage(group_id, message_id),))
        await self._delete_due()

    async def _delete_due(self) -> int:
        """Deletions whose time has come, one request per chat; how many messages went."""
        by_chat: dict[ChatId, list[Batch]] = defaultdict(list)
        for batch in self._queue.take_due(deletions=True):
            by_chat[batch.work[0].group_id].append(batch)
        deleted = 0
        for chat_id, batches in by_chat.items():
            ids = sorted(
                {i.message_id for b in batches for i in b.work if isinstance(i, DeleteMessage)}
            )
            try:
                await self._gateway.delete(chat_id, ids)
            except Exception as error:
                wait = error.seconds if isinstance(error, FloodWaited) else RETRY_DELETE
                log.warning("notice_delete_failed", chat_id=chat_id, reason=repr(error))
                for batch in batches:
                    await self._queue.again(batch, wait)
                continue
            deleted += len(ids)
            for batch in batches:
                await self._queue.done(batch)
        return deleted
