"""What the fault suite watches of warm-ups: the group's listings and the bot's summary notices
as Telegram serves them, and every mute that no message, join or leave explains (the warm-up's
own). A crowd of quiet members, some subscribed, gives each warm-up two pages to list."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from telethon import functions, types

from gatekeeper.domain.warmup import PAGE
from gatekeeper.sim import SimUser
from gatekeeper.sim.stage import Stage
from tests.reliability.fault_world import Change, muted

SUMMARY = "🔎 I checked every member"  # the one notice of a sweep that muted members
CROWD_SUBSCRIBED, CROWD_UNSUBSCRIBED = 170, 40  # with the cast, more than a page of 200


@dataclass
class WarmupWatch:
    stage: Stage
    sweep_mute: bool  # the group asked for `/settings sweep mute`
    logs: list[MutableMapping[str, Any]]  # the bot's log lines so far, as they come
    violations: list[str]
    crowd: list[SimUser] = field(default_factory=list)
    causes: set[int] = field(default_factory=set)  # members who spoke, joined or left @news
    summaries: int = 0  # summary notices Telegram took
    served: int = 0  # listings and checks Telegram answered (a warm-up's requests)
    pages: list[int] = field(default_factory=list)  # offsets of the group's listing served
    _past_first_page: tuple[int, float] | None = None  # the run that listed a second page

    def cast(self) -> None:
        """The quiet crowd: members of the group who never write, the first ones subscribed;
        and another bot, never subscribed, that a sweep must spare."""
        s = self.stage
        s.sim.create_bot("helper_bot", first_name="Helper").join(s.group)
        for i in range(CROWD_SUBSCRIBED + CROWD_UNSUBSCRIBED):
            person = s.user(f"Reader {i}")
            if i < CROWD_SUBSCRIBED:
                person.join(s.news)
            person.join(s.group)
            self.crowd.append(person)

    def install(self) -> None:
        sim = self.stage.sim
        original = sim.dispatch

        def watching(sender: Any, request: Any) -> Any:
            result = original(sender, request)  # what raises was not served
            self._served(request)
            return result

        sim.dispatch = watching  # type: ignore[method-assign]

    def _requested(self) -> int:
        return sum(entry["event"] == "warmup_requested" for entry in self.logs)

    def _run(self) -> tuple[int, float] | None:
        """Which warm-up is listing now: runs begun or ended so far, and when it was asked for."""
        app = self.stage.built  # still starting, after a kill
        progress = app.warmup.progress(self.stage.group.peer_id) if app else None
        if progress is None:
            return None
        ends = ("warmup_requested", "warmup_done", "warmup_cancelled")
        return sum(entry["event"] in ends for entry in self.logs), progress.started_at

    def _served(self, request: Any) -> None:
        if isinstance(request, functions.messages.SendMessageRequest):
            self.summaries += request.message.startswith(SUMMARY)
            return
        if isinstance(request, functions.channels.GetParticipantRequest):
            self.served += 1
        if not isinstance(request, functions.channels.GetParticipantsRequest):
            return
        self.served += 1
        channel = request.channel
        group = self.stage.group.state.id
        if getattr(channel, "channel_id", None) != group:
            return
        if not isinstance(request.filter, types.ChannelParticipantsRecent) or request.limit != PAGE:
            return  # not a warm-up's page: the admins' list, a count, a search
        self.pages.append(request.offset)
        run = self._run()
        if request.offset > 0:
            self._past_first_page = run
        elif run is not None and self._past_first_page == run:
            self.violations.append("a warm-up listed the group from the start again")
        else:
            self._past_first_page = None

    def figures(self) -> str:
        done = sum(entry["event"] == "warmup_done" for entry in self.logs)
        sweep = "sweep mute" if self.sweep_mute else "default sweep"
        return f"warm-ups ({sweep}) {self._requested()} asked, {done} done"

    def judge(self, change: Change) -> None:
        """A mute by the bot that only a warm-up explains: none under the default setting;
        under sweep mute, only of a member who is not subscribed."""
        bot, who = self.stage.bot.id, change.user_id
        if change.actor_id != bot or change.chat_id != self.stage.group.state.id:
            return
        if not muted(change.after) or muted(change.before) or who in self.causes:
            return
        if not self.sweep_mute:
            self.violations.append(f"the warm-up muted {who} under the default setting")
        elif self.stage.news.state.is_participant(who):
            self.violations.append(f"the warm-up muted the subscriber {who}")

    def check_end(self) -> None:
        """The last warm-up finished; with sweep mute the crowd's unsubscribed are muted and
        no more summaries went out than sweeps that muted."""
        events = [entry for entry in self.logs if entry["event"] == "warmup_done"]
        app = self.stage.app
        progress = app.warmup.progress(self.stage.group.peer_id) if app else None
        if progress is None or progress.active:
            self.violations.append(f"the warm-up never finished: {progress}")
        muting = sum(bool(entry.get("muted")) for entry in events)
        if self.summaries > muting:
            self.violations.append(f"{self.summaries} summary notices for {muting} sweeps")
        if not self.sweep_mute:
            return
        group = self.stage.group
        for person in self.crowd[CROWD_SUBSCRIBED:]:
            if group.can_write(person):
                self.violations.append(f"{person} is unsubscribed and was never swept")
