"""Carrying out the policy's actions: in order, postponed when Telegram makes them wait."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import structlog

from gatekeeper.cache.membership_cache import MembershipCache
from gatekeeper.clock import Clock
from gatekeeper.domain import observe
from gatekeeper.domain.actions import (
    Action,
    DeleteMessage,
    Mute,
    Recheck,
    Release,
    SendNotice,
    StartGrace,
    Warn,
    Work,
)
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.mutes import MuteOutcome, Mutes
from gatekeeper.services.notices import Notices
from gatekeeper.services.observer import Observer
from gatekeeper.services.ports import ChatUnreachable, FloodWaited, Telegram, UserUnreachable
from gatekeeper.services.postponed import PostponedWork
from gatekeeper.services.registry import Registry

log = structlog.get_logger(__name__)

RETRY_AFTER_FAILURE = 30.0  # seconds before work that failed for another reason is tried again


class Enforcer(Mutes):
    def __init__(
        self,
        gateway: Telegram,
        registry: Registry,
        notices: Notices,
        clock: Clock,
        metrics: Metrics,
        cache: MembershipCache,
        queue: PostponedWork,
        observer: Observer,
    ) -> None:
        super().__init__(gateway, registry, notices, clock, metrics, cache)
        self.queue = queue
        self._observer = observer

    async def apply(
        self,
        actions: Sequence[Action],
        *,
        name: str | None = None,
        reply_to: int | None = None,
    ) -> None:
        """Carry out actions; `reply_to` threads the notice (under a discussion group's post).

        Nothing is attempted in a group where the bot was demoted or removed, nor done to
        members in one that only observes (what would have been is counted instead)."""
        actions, counted = observe.restrain(self._registry.rules, actions)
        if counted:
            await self._observer.saw(counted)
        outcomes: dict[tuple[int, int], MuteOutcome] = {}
        for action in actions:
            if not self._acting(action.group_id):
                self._metrics.decision("skipped_unguarded")
                continue
            try:
                await self._apply_one(action, outcomes, name, reply_to)
            except FloodWaited as error:
                await self._postpone_on_flood(action, actions, outcomes, error, name)
            except Exception as error:  # anything else: retried where that makes sense
                await self._failed(action, error, name)

    async def _failed(self, action: Action, error: Exception, name: str | None) -> None:
        """A release that failed is tried again later, as the button's answer promises; a mute
        too, unless Telegram said the chat or the member is out of the bot's reach; and a
        grace that could not be kept (the database away), lest the newcomer lose it."""
        reason = str(error) or type(error).__name__
        log.warning("action_failed", action=repr(action), reason=reason)
        self._metrics.decision("failed")
        if isinstance(action, Release):
            await self.postpone(
                (Recheck(action.group_id, action.user_id),), RETRY_AFTER_FAILURE, name
            )
        elif isinstance(action, StartGrace) or (
            isinstance(action, Mute) and not isinstance(error, ChatUnreachable | UserUnreachable)
        ):
            await self.postpone((action,), RETRY_AFTER_FAILURE, name)

    async def _postpone_on_flood(
        self,
        action: Action,
        actions: Sequence[Action],
        outcomes: dict[tuple[int, int], MuteOutcome],
        error: FloodWaited,
        name: str | None,
    ) -> None:
        """Telegram asks us to slow down: do it again once the wait is over."""
        batch: list[Work] = [action]
        if isinstance(action, Release):
            batch = [Recheck(action.group_id, action.user_id)]  # decided again when it is time
        elif isinstance(action, Mute | Warn):
            key = (action.group_id, action.user_id)
            # Waiting on the author's standing means we do not know yet whether they are an
            # admin: their message waits too. Waiting on the mute itself, it can go now.
            author_known = error.method == "EditBanned"
            outcomes[key] = MuteOutcome.POSTPONED if author_known else MuteOutcome.UNSURE
            batch += [
                a
                for a in actions
                if (isinstance(a, SendNotice) and (a.group_id, a.user_id) == key)
                or (
                    not author_known
                    and isinstance(a, DeleteMessage)
                    and (a.group_id, a.author_id) == key
                )
            ]
        log.warning("action_postponed", action=repr(action), seconds=error.seconds)
        await self.postpone(tuple(batch), error.seconds, name)

    async def postpone(self, batch: tuple[Work, ...], seconds: float, name: str | None) -> None:
        """Do `batch` once `seconds` have passed (kept in storage until it is done)."""
        await self.queue.add(batch, seconds, name)

    async def _apply_one(
        self,
        action: Action,
        outcomes: dict[tuple[int, int], MuteOutcome],
        name: str | None,
        reply_to: int | None = None,
    ) -> None:
        if isinstance(action, Mute):
            outcome = await self.mute(action)
            outcomes[(action.group_id, action.user_id)] = outcome
            if outcome is MuteOutcome.UNREACHABLE:
                self._metrics.decision("failed")
        elif isinstance(action, Warn):
            outcomes[(action.group_id, action.user_id)] = await self._warn(action)
        elif isinstance(action, StartGrace):
            note = self._registry.note(action.group_id, action.user_id)
            await self._registry.save_note(replace(note, grace_until=action.until))
        elif isinstance(action, DeleteMessage):
            author_id = action.author_id
            author = outcomes.get((action.group_id, author_id or 0))
            if author not in (MuteOutcome.SPARED, MuteOutcome.UNSURE):
                await self._gateway.delete(action.group_id, [action.message_id])
                self._metrics.decision("delete")
                log.info("deleted", group_id=action.group_id, user_id=author_id)
                if author_id is not None:  # a member's message (not a post as a channel)
                    await self._registry.storage.audit.record(
                        "delete", at=self._clock.now(), group_id=action.group_id, user_id=author_id
                    )
        elif isinstance(action, SendNotice):
            key = (action.group_id, action.user_id)
            mute = outcomes.get(key)
            # A notice retried on its own (its send was flood-waited) goes if the mute stands.
            told = mute in (MuteOutcome.MUTED, MuteOutcome.WARNED)
            restriction = self._registry.restriction(*key)
            # Retried after a crash, a notice already posted is not posted again.
            if told or (mute is None and restriction and restriction.notice_message_id is None):
                await self._notice(action, name, reply_to)
        else:
            await self.release(action.group_id, action.user_id)

    def _acting(self, group_id: int) -> bool:
        rules = self._registry.rules.get(group_id)
        return rules is None or rules.acting

    async def _notice(self, action: SendNotice, name: str | None, reply_to: int | None) -> None:
        rules = self._registry.rules.get(action.group_id)
        ttl = rules.settings.notice_ttl if rules else 120
        message_id = await self._notices.post(
            action.group_id,
            action.user_id,
            name,
            action.channels,
            ttl,
            reply_to=reply_to,
            any_of=action.any_of,
        )
        if message_id is not None:
            await self._registry.set_notice(action.group_id, action.user_id, message_id)
            log.info("notice", group_id=action.group_id, user_id=action.user_id)
