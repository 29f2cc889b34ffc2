"""What the fault suite watches in the simulated world: every change of a participant (who
made it, from what to what), and the invariants checked against it (never the bot's records)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gatekeeper.domain.callbacks import encode_verify
from gatekeeper.sim import SimChat, SimUser
from gatekeeper.sim.stage import Stage
from gatekeeper.sim.world import Participant, Role

NOTICE_GRACE = 60.0  # a notice may outlive its member's release by at most this


@dataclass(frozen=True)
class Change:
    at: float
    chat_id: int
    user_id: int
    actor_id: int
    before: Participant | None
    after: Participant | None


def restricted(p: Participant | None) -> bool:
    return p is not None and bool(p.banned_rights)


def muted(p: Participant | None) -> bool:
    return p is not None and "send_messages" in p.banned_rights


@dataclass
class Watch:
    """Records the sim's participant changes; counts and checks what the invariants need."""

    stage: Stage
    changes: list[Change] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    released_at: dict[int, float] = field(default_factory=dict)
    unanswered: int = 0
    judges: list[Callable[[Change], None]] = field(default_factory=list)  # more to judge

    def install(self) -> None:
        ops = self.stage.sim.ops
        original = ops.set_participant

        def recording(chat: Any, user_id: int, new: Any, actor_id: int, invite: Any = None) -> None:
            before = chat.participants.get(user_id)
            original(chat, user_id, new, actor_id, invite)
            change = Change(self.stage.clock.now(), chat.id, user_id, actor_id, before, new)
            self.changes.append(change)
            self._judge(change)
            for judge in self.judges:
                judge(change)

        ops.set_participant = recording  # type: ignore[method-assign]

    def _judge(self, change: Change) -> None:
        """Each change the bot made, judged as it lands."""
        bot = self.stage.bot.id
        if change.actor_id != bot or change.chat_id != self.stage.group.state.id:
            return
        before, after, who = change.before, change.after, change.user_id
        if before is not None and before.role in (Role.ADMIN, Role.CREATOR):
            self.violations.append(f"the bot restricted the admin {who}")
        user = self.stage.sim.world.users.get(who)
        if user is None:
            self.violations.append(f"the bot restricted the chat {who}")
        elif user.is_bot:
            self.violations.append(f"the bot restricted the bot {who}")
        if restricted(before) and before is not None and before.kicked_by not in (None, bot):
            self.violations.append(f"the bot changed {who}'s restriction by {before.kicked_by}")
        if muted(before) and muted(after) and not self.stage.sim.resending:
            # Telethon re-sending a mute after a dropped connection is one mute, done twice.
            self.violations.append(f"the bot muted {who} twice for one offence")
        if muted(before) and not muted(after):
            self.released_at[who] = change.at
        if muted(after):
            self.released_at.pop(who, None)

    def mutes(self) -> int:
        bot = self.stage.bot.id
        return sum(
            c.actor_id == bot and muted(c.after) and not muted(c.before) for c in self.changes
        )

    def check_notices(self, members: list[SimUser]) -> None:
        """No member has two live notices; none outlives its member's release by a minute."""
        group, now = self.stage.group, self.stage.clock.now()
        for member in members:
            data = encode_verify(member.id)
            live = [
                m
                for m in group.messages()
                if m.sender_user_id == self.stage.bot.id
                and any(b.data == data for row in m.buttons for b in row)
            ]
            if len(live) > 1:
                self.violations.append(f"{member} has {len(live)} live notices")
            released = self.released_at.get(member.id)
            if live and released is not None and now - released > NOTICE_GRACE:
                self.violations.append(f"{member}'s notice outlived the release by a minute")

    def check_end(
        self, members: list[SimUser], hand_restricted: set[int], met: set[int], channel: SimChat
    ) -> None:
        """Every subscribed member can write; every unsubscribed one who showed up is muted."""
        group = self.stage.group
        for member in members:
            if member.id in hand_restricted or not group.state.is_participant(member.id):
                continue
            role = group.state.role(member.id)
            if role in (Role.ADMIN, Role.CREATOR):
                continue
            subscribed = channel.state.is_participant(member.id)
            if subscribed and not group.can_write(member):
                self.violations.append(f"{member} is subscribed but cannot write")
            if not subscribed and member.id in met and group.can_write(member):
                self.violations.append(f"{member} is unsubscribed and can still write")


def tally(kinds: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none"
