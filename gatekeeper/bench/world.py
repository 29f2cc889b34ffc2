"""The scale's world in the simulated Telegram, materialised only as far as the stream needs it.

Groups and channels are created up front (Carol owns them, the bot is an admin of each);
people exist only once they write. Members were in their groups, and subscribers in their
channels, before the bot came: they are put straight into the world's state, as Telegram's
own history, so setting up a large scale pushes no updates.

A second bot may sit in every group beside the bot measured (`add_companion`): bare Telethon's
account, measured in the same process on the very same messages.
"""

from __future__ import annotations

from typing import Any

from gatekeeper.bench.scales import Scale
from gatekeeper.sim import Participant, Role, SimChat, SimUser
from gatekeeper.sim.stage import Stage

TEXT = "good morning, anything new today?"
PATIENCE = 300.0  # real seconds a busy stretch may last (a large first pass, a loaded machine)


class BenchWorld:
    def __init__(self, stage: Stage, scale: Scale) -> None:
        self.stage = stage
        self.scale = scale
        sim, carol = stage.sim, stage.carol
        self.channels = [
            sim.create_channel(f"Channel {c}", owner=carol, username=f"bench_channel_{c}")
            for c in range(scale.channels)
        ]
        self.groups = [
            sim.create_supergroup(f"Group {g}", owner=carol) for g in range(scale.groups)
        ]
        for chat in [*self.channels, *self.groups]:
            stage.make_admin(chat)
        self._people: dict[int, SimUser] = {}
        self._newcomers: dict[int, SimUser] = {}
        self.viewers = [stage.bot.id]  # the bots each steady-state message is made ready for

    def add_companion(self) -> SimUser:
        """Another bot, an admin of every group as the bot is (not of the channels: it asks
        nothing), so that it is sent every message the bot is sent."""
        companion = self.stage.sim.create_bot("bare_telethon_bot", first_name="Bare")
        for group in self.groups:
            group.promote(companion, by=self.stage.carol)
        self.viewers.append(companion.id)
        return companion

    def channel_ids(self, group: int) -> list[int]:
        """Marked ids, as the bot and Telethon name the group's required channels."""
        return [self.channels[c].peer_id for c in self.scale.channels_of(group)]

    def protect_command(self, group: int) -> str:
        names = (f"@{self.channels[c].username}" for c in self.scale.channels_of(group))
        return "/protect " + " ".join(names)

    def member(self, group: int, member: int) -> SimUser:
        """Member `member` of group `group`, created (with their subscriptions) on first use."""
        index = self.scale.user_of(group, member)
        person = self._people.get(index)
        if person is None:
            person = self.stage.sim.create_user(f"Member {index}")
            self._people[index] = person
        self._enter(self.groups[group], person)
        for channel in self.scale.channels_of(group):
            if self.scale.subscribed_to(index, channel):
                self._enter(self.channels[channel], person)
        return person

    def newcomer(self, index: int, subscribed: bool) -> SimUser:
        """Someone the bot has never seen, in group 0 (and its channels if `subscribed`)."""
        person = self._newcomers.get(index)
        if person is None:
            person = self.stage.sim.create_user(f"Newcomer {index}")
            self._newcomers[index] = person
            self._enter(self.groups[0], person)
            if subscribed:
                for channel in self.scale.channels_of(0):
                    self._enter(self.channels[channel], person)
        return person

    def _enter(self, chat: SimChat, person: SimUser) -> None:
        participants = chat.state.participants
        if person.id not in participants:
            participants[person.id] = Participant(person.id, Role.MEMBER, chat.state.date)

    def post_unseen(self, group: int, member: int) -> dict[int, Any]:
        """The member writes while the bots' connections are detached: the update Telegram
        would push, ready-made for each bot in `viewers` (the sim's pts advance as for a pushed
        one), by bot id."""
        chat = self.groups[group]
        self.member(group, member).send(chat, TEXT)
        _, factory = chat.state.log[-1]
        hub = self.stage.sim.hub
        return {bot_id: hub.container(bot_id, [factory(bot_id)]) for bot_id in self.viewers}
