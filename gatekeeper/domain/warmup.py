"""The warm-up (bulk verification of a group), as pure decisions: when one is due, which
listings to ask for next, how its progress is counted and said.

Telegram lists at most 10,000 members of a supergroup per filter, in pages of 200; past that,
searches by the start of a name reach the rest (each capped alike), so a search that hits the
cap is split into longer ones. Members no search reaches are verified lazily, when they write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from gatekeeper.domain.actions import Mute
from gatekeeper.domain.i18n import ENGLISH, Texts
from gatekeeper.domain.model import (
    ChatId,
    GroupRules,
    MemberNote,
    OnViolation,
    Sweep,
    UserId,
    Verdict,
)
from gatekeeper.domain.policy import allowed, in_grace, missing_links, needs_check

PAGE = 200  # members per channels.getParticipants page
LIST_CAP = 10_000  # members one filter lists, however far the offset goes
RECENT = ""  # the first listing: ChannelParticipantsRecent; every other one is a search
# The sweep's letters: names start with these far more often than not. Longer prefixes come
# only where a search is capped.
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789абвгдежзийклмнопрстуфхцчшщэюя"
MAX_QUERY = 3  # prefixes longer than this are not split further (the rest: verified lazily)


class WarmupState(StrEnum):
    REQUESTED = "requested"  # asked for (by an admin, the CLI or a trigger), not yet begun
    RUNNING = "running"
    WAITING = "waiting"  # Telegram asked to wait: goes on at `resume_at`
    DONE = "done"
    CANCELLED = "cancelled"


class Phase(StrEnum):
    LISTING = "listing"  # the group's members, page by page, search by search
    CHANNELS = "channels"  # the linked channels' subscribers, as far as Telegram shows them
    CHECKING = "checking"  # everyone still unknown, one by one
    FINISHED = "finished"


class Reason(StrEnum):
    PROTECT = "protect"
    START = "start"  # at start, for a group never warmed
    TIMER = "timer"
    VERIFY = "verify"  # an admin's /verify
    CLI = "cli"  # python run.py warm GROUP


@dataclass(frozen=True, slots=True)
class WarmupProgress:
    group_id: ChatId
    reason: Reason = Reason.VERIFY
    state: WarmupState = WarmupState.REQUESTED
    phase: Phase = Phase.LISTING
    queries: tuple[str, ...] = (RECENT,)  # listings still to make; the first is under way
    offset: int = 0  # into the first query
    queries_done: int = 0
    cursor: UserId = 0  # checking: members are checked by id, this one and below are done
    total: int = 0  # distinct members listed
    verified: int = 0  # members whose every required channel is known
    not_subscribed: int = 0  # of those, members missing a channel
    muted: int = 0  # by the sweep, when the group asks for it
    rate: float = 0.0  # checks per second now
    rate_changed_at: float = 0.0  # when it last changed (a flood wait, or a probe upwards)
    started_at: float = 0.0
    resume_at: float = 0.0
    finished_at: float | None = None

    @property
    def active(self) -> bool:
        return self.state in (WarmupState.REQUESTED, WarmupState.RUNNING, WarmupState.WAITING)

    @property
    def ratio(self) -> float:
        """How far along, 0 to 1 (listing counts as the first tenth)."""
        if self.state is WarmupState.DONE:
            return 1.0
        if self.phase is not Phase.CHECKING or not self.total:
            return 0.0 if self.phase is Phase.LISTING else 0.1
        return min(1.0, 0.1 + 0.9 * self.verified / self.total)


def as_record(progress: WarmupProgress) -> dict[str, Any]:
    """Plain values (enums as their strings, queries as a list), for a row or a JSON document."""
    record = {f.name: getattr(progress, f.name) for f in fields(progress)}
    record.update(
        reason=progress.reason.value,
        state=progress.state.value,
        phase=progress.phase.value,
        queries=list(progress.queries),
    )
    return record


def from_record(record: Mapping[str, Any]) -> WarmupProgress:
    """The progress `as_record` gave (unknown keys are ignored)."""
    names = {f.name for f in fields(WarmupProgress)}
    values = {k: v for k, v in record.items() if k in names}
    values.update(
        reason=Reason(values.get("reason", Reason.VERIFY)),
        state=WarmupState(values.get("state", WarmupState.REQUESTED)),
        phase=Phase(values.get("phase", Phase.LISTING)),
        queries=tuple(values.get("queries", (RECENT,))),
    )
    return WarmupProgress(**values)


def requested(group_id: ChatId, reason: Reason, now: float, rate: float) -> WarmupProgress:
    return WarmupProgress(group_id, reason, rate=rate, started_at=now, resume_at=now)


def due(progress: WarmupProgress | None, now: float, interval: float, *, enforced: bool) -> bool:
    """Whether to (re)start or go on with a group's warm-up now (`interval` 0: start none by
    itself, only go on with those asked for)."""
    if not enforced:
        return False
    if progress is None:
        return interval > 0  # 0: warm-ups only on demand
    if progress.state is WarmupState.WAITING:
        return now >= progress.resume_at
    if progress.active:
        return True  # requested, or running when the bot last stopped: resume
    finished = progress.finished_at if progress.finished_at is not None else progress.started_at
    return interval > 0 and now - finished >= interval


def split(query: str, count: int) -> tuple[str, ...]:
    """The searches that reach past the cap of a listing that matched `count` members."""
    if count <= LIST_CAP or len(query) >= MAX_QUERY:
        return ()
    return tuple(query + letter for letter in ALPHABET)


def after_page(progress: WarmupProgress, listed: int, count: int) -> WarmupProgress:
    """Progress after a page of `listed` members out of `count` matching the current query."""
    offset = progress.offset + listed
    if listed >= PAGE and offset < min(count, LIST_CAP):
        return replace(progress, offset=offset)
    rest = progress.queries[1:] + split(progress.queries[0], count)
    done = progress.queries_done + 1
    if rest:
        return replace(progress, queries=rest, offset=0, queries_done=done)
    return replace(progress, queries=(), offset=0, queries_done=done, phase=Phase.CHANNELS)


def counted(progress: WarmupProgress, *, subscribed: bool | None, muted: bool) -> WarmupProgress:
    """After one member's check: `subscribed` None when a channel could not be checked."""
    if subscribed is None:
        return progress
    return replace(
        progress,
        verified=progress.verified + 1,
        not_subscribed=progress.not_subscribed + (not subscribed),
        muted=progress.muted + muted,
    )


def status_line(progress: WarmupProgress | None, t: Texts = ENGLISH) -> str:
    """What /status says about the group's warm-up."""
    if progress is None:
        return t.tr("🔎 Warm-up: not yet (send /verify to check every member now)")
    counts = t.tr(
        "verified {verified} of {total}, {not_subscribed} not subscribed",
        verified=f"{progress.verified:,}",
        total=f"{progress.total:,}",
        not_subscribed=f"{progress.not_subscribed:,}",
    )
    if progress.muted:
        counts += t.tr(", {muted} muted", muted=f"{progress.muted:,}")
    if progress.state is WarmupState.DONE:
        return t.tr("🔎 Warm-up done: {counts}", counts=counts)
    if progress.state is WarmupState.CANCELLED:
        return t.tr("🔎 Warm-up cancelled: {counts}", counts=counts)
    if progress.phase is Phase.LISTING or progress.state is WarmupState.REQUESTED:
        return t.tr(
            "🔎 Warm-up: listing members ({total} so far; /verify cancel stops it)",
            total=f"{progress.total:,}",
        )
    if progress.state is WarmupState.WAITING:
        return t.tr(
            "🔎 Warm-up: {counts} (Telegram asked me to wait) (/verify cancel stops it)",
            counts=counts,
        )
    return t.tr("🔎 Warm-up: {counts} (/verify cancel stops it)", counts=counts)


def summary_notice(muted: int, not_subscribed: int, t: Texts = ENGLISH) -> str:
    """The one notice of a sweep that muted members (instead of one notice each)."""
    return t.tr_n(
        "🔎 I checked every member: {not_subscribed} have not joined the required channels, "
        "and I muted {count} member. Each can write again as soon as they join.",
        "🔎 I checked every member: {not_subscribed} have not joined the required channels, "
        "and I muted {count} members. Each can write again as soon as they join.",
        muted,
        not_subscribed=f"{not_subscribed:,}",
    )


def subscribed(rules: GroupRules, verdicts: Mapping[ChatId, Verdict]) -> bool | None:
    """Whether a member meets the group's requirements; None if a channel could not say."""
    if any(verdicts.get(c, Verdict.UNKNOWN) is Verdict.UNKNOWN for c in needs_check(rules)):
        return None
    return not missing_links(rules, verdicts)


def sweep_mute(
    rules: GroupRules,
    user_id: UserId,
    verdicts: Mapping[ChatId, Verdict],
    note: MemberNote | None,
    now: float,
) -> Mute | None:
    """The mute a warm-up imposes on an unsubscribed member, only if the group asked for it
    (`/settings sweep mute`); never under delete-only, for an exception or during a grace."""
    settings = rules.settings
    if settings.sweep is not Sweep.MUTE or settings.on_violation is OnViolation.DELETE:
        return None
    if not rules.enforced or allowed(note) or in_grace(note, now):
        return None
    missing = missing_links(rules, verdicts)
    return (
        Mute(rules.group_id, user_id, tuple(link.channel.id for link in missing))
        if missing
        else None
    )
