"""The bot's working memory: each group's rules, admins and the mutes the bot imposed.

Loaded from storage at start and kept in step with it, so the hot path reads only memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from gatekeeper.clock import Clock, SystemClock
from gatekeeper.domain.i18n import Library, Texts
from gatekeeper.domain.model import (
    BotState,
    ChannelLink,
    ChatId,
    GroupRules,
    MemberNote,
    Restriction,
    UserId,
)
from gatekeeper.domain.policy import needs_check
from gatekeeper.domain.seen import SeenCount
from gatekeeper.domain.warmup import WarmupProgress
from gatekeeper.services.listed import ListedStandings
from gatekeeper.storage import Storage


class Registry:
    def __init__(
        self, storage: Storage, library: Library | None = None, clock: Clock | None = None
    ) -> None:
        self.storage = storage
        self.library = library or Library()
        self._clock: Clock = clock or SystemClock()
        self.rules: dict[ChatId, GroupRules] = {}
        self.groups_by_channel: dict[ChatId, set[ChatId]] = defaultdict(set)
        # The groups the gate acts in (enforced, the bot able to act), each with the channels a
        # member's message is checked against: what the hot path reads, worked out once.
        self.gated: dict[ChatId, tuple[ChatId, ...]] = {}
        self.admins: dict[ChatId, frozenset[UserId]] = {}
        self.restrictions: dict[tuple[ChatId, UserId], Restriction] = {}
        # Members seen subscribed since the start: exact while few, then a 4 KB sketch.
        self.verified: dict[ChatId, SeenCount] = defaultdict(SeenCount)
        # Known entities: the access hash of each user and chat (by marked id) that storage
        # recorded, so that Telegram can be asked about them even when the session forgot them.
        self.access_hashes: dict[int, int] = {}
        self.notes: dict[tuple[ChatId, UserId], MemberNote] = {}
        self.listed = ListedStandings()  # where members stood when their group was listed
        self.warmups: dict[ChatId, WarmupProgress] = {}  # each group's latest warm-up

    def texts(self, group_id: ChatId) -> Texts:
        """The words of the group's language."""
        rules = self.rules.get(group_id)
        return self.library.texts(rules.settings.language if rules else None)

    async def load(self) -> None:
        for rules in await self.storage.groups.load_all():
            self._remember(rules)
        for restriction in await self.storage.restrictions.all():
            self.restrictions[(restriction.group_id, restriction.user_id)] = restriction
        self.access_hashes.update(await self.storage.restrictions.access_hashes())
        self.access_hashes.update(await self.storage.groups.access_hashes())
        for note in await self.storage.members.all():
            self.notes[(note.group_id, note.user_id)] = note

    def _remember(self, rules: GroupRules) -> None:
        old = self.rules.get(rules.group_id)
        if old is not None:
            for channel_id in old.channel_ids:
                self.groups_by_channel[channel_id].discard(rules.group_id)
        self.rules[rules.group_id] = rules
        for channel_id in rules.channel_ids:
            self.groups_by_channel[channel_id].add(rules.group_id)
        if rules.enforced and rules.acting:
            self.gated[rules.group_id] = needs_check(rules)
        else:
            self.gated.pop(rules.group_id, None)

    async def refresh(self, group_id: ChatId) -> GroupRules | None:
        """Re-read one group from storage after a change."""
        rules = await self.storage.groups.get(group_id)
        if rules is not None:
            self._remember(rules)
            self.access_hashes.update(await self.storage.groups.access_hashes())
        return rules

    def groups_requiring(self, channel_id: ChatId) -> list[GroupRules]:
        return [self.rules[g] for g in sorted(self.groups_by_channel.get(channel_id, ()))]

    def groups_for(self, chat_id: ChatId) -> list[ChatId]:
        """The protected groups a chat stands for: itself, or those requiring it (a channel)."""
        if chat_id in self.rules:
            return [chat_id]
        return sorted(self.groups_by_channel.get(chat_id, ()))

    def is_admin(self, group_id: ChatId, user_id: UserId) -> bool:
        admins = self.admins.get(group_id)
        return admins is not None and user_id in admins

    def set_admins(self, group_id: ChatId, admins: frozenset[UserId]) -> None:
        self.admins[group_id] = admins

    def set_admin(self, group_id: ChatId, user_id: UserId, is_admin: bool) -> None:
        """Telegram's latest word on a member: what a listing said of them is stale."""
        self.listed.forget(group_id, user_id)
        current = self.admins.get(group_id, frozenset())
        self.admins[group_id] = current | {user_id} if is_admin else current - {user_id}

    def restriction(self, group_id: ChatId, user_id: UserId) -> Restriction | None:
        return self.restrictions.get((group_id, user_id))

    def restrictions_in(self, group_id: ChatId) -> list[Restriction]:
        return [r for (g, _), r in self.restrictions.items() if g == group_id]

    async def add_restriction(
        self, restriction: Restriction, *, access_hash: int | None = None
    ) -> None:
        """Record a mute, with the member's access hash so that it can be lifted after any
        restart, whatever the session file kept."""
        await self.storage.restrictions.save(restriction, access_hash=access_hash)
        self.listed.forget(restriction.group_id, restriction.user_id)
        self.restrictions[(restriction.group_id, restriction.user_id)] = restriction
        if access_hash is not None:
            self.access_hashes[restriction.user_id] = access_hash

    async def drop_restriction(self, group_id: ChatId, user_id: UserId) -> None:
        await self.storage.restrictions.remove(group_id, user_id)
        self.restrictions.pop((group_id, user_id), None)

    async def set_notice(self, group_id: ChatId, user_id: UserId, message_id: int | None) -> None:
        restriction = self.restrictions.get((group_id, user_id))
        if restriction is None:
            return
        await self.storage.restrictions.set_notice(group_id, user_id, message_id)
        self.restrictions[(group_id, user_id)] = replace(restriction, notice_message_id=message_id)

    async def set_bot_state(self, group_id: ChatId, state: BotState) -> None:
        await self.storage.groups.set_bot_state(group_id, state)
        await self.refresh(group_id)

    async def set_link_health(
        self, group_id: ChatId, link: ChannelLink, *, healthy: bool, problem: str | None, told: bool
    ) -> None:
        await self.storage.groups.set_link_health(
            group_id, link.channel.id, healthy=healthy, problem=problem, admins_told=told
        )
        await self.refresh(group_id)

    def strikes(self, group_id: ChatId, user_id: UserId) -> int:
        note = self.notes.get((group_id, user_id))
        return note.strikes if note else 0

    def note(self, group_id: ChatId, user_id: UserId) -> MemberNote:
        return self.notes.get((group_id, user_id)) or MemberNote(group_id, user_id)

    async def set_strikes(self, group_id: ChatId, user_id: UserId, strikes: int) -> None:
        """Count a member's warnings (0: forget them)."""
        await self.save_note(replace(self.note(group_id, user_id), strikes=strikes))

    def allowed_in(self, group_id: ChatId) -> list[MemberNote]:
        return [n for (g, _), n in sorted(self.notes.items()) if g == group_id and n.exempt]

    async def save_note(self, note: MemberNote) -> None:
        """Keep a member's note (an empty one is forgotten), stamped with the time."""
        key = (note.group_id, note.user_id)
        note = replace(note, noted_at=self._clock.now())
        await self.storage.members.save(note)
        if note.is_empty:
            self.notes.pop(key, None)
        else:
            self.notes[key] = note

    async def prune(self, retention: float) -> int:
        """Forget stale notes (`MemberNote.stale`), here and in storage; how many went."""
        now = self._clock.now()
        for key in [k for k, note in self.notes.items() if note.stale(now, retention)]:
            del self.notes[key]
        return await self.storage.members.prune(now, retention)
