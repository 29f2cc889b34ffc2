"""Which access hashes the bot keeps: a user's while something it will still do names them to
Telegram, then for a retention; a chat's always (one per group or channel the bot administers).

Telethon names a user to Telegram by id and access hash. The bot keeps the hashes it must not
lose to a crash or a lost session file: with a mute it imposed, a join request, postponed
work, a warm-up's listing. In memory they are one table; this is the rule that bounds it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from gatekeeper.domain.model import MemberNote, Restriction, UserId
from gatekeeper.domain.warmup import WarmupProgress, WarmupState


def needed(
    *,
    restrictions: Iterable[Restriction],
    requesters: Iterable[UserId],
    notes: Iterable[MemberNote],
    postponed: Iterable[UserId],
    waiting: Iterable[UserId],
    warming: Iterable[UserId],
    now: float,
) -> set[UserId]:
    """The users the bot may still have to name to Telegram: muted by the bot (to release or
    remove them), asking to join (to approve or decline them), owed postponed work (a re-check,
    a mute; their notice's removal), waiting for a notice (it mentions them), still to be
    checked by a warm-up under way, excepted by an admin (who may name them by id, `/disallow
    123`) or in a grace that has not ended (a strict grace mutes them when it does)."""
    users = {r.user_id for r in restrictions}
    users.update(requesters, postponed, waiting, warming)
    users.update(
        n.user_id for n in notes if n.exempt or (n.grace_until is not None and n.grace_until > now)
    )
    users.discard(0)
    return users


@dataclass(frozen=True, slots=True)
class HashSweep:
    forget: tuple[int, ...]  # peer ids whose hash goes now
    idle_since: dict[int, float]  # each hash kept though nothing needs it: since when


def sweep(
    known: Iterable[int],
    needs: Collection[int],
    idle_since: Mapping[int, float],
    now: float,
    retention: float,
) -> HashSweep:
    """A pass over the known hashes (by marked peer id). A user's hash nothing needs is kept
    `retention` seconds from the first pass that found it so (a hash needed again starts
    afresh); a chat's (a negative id) is always kept; a retention of 0 keeps every hash."""
    forget: list[int] = []
    idle: dict[int, float] = {}
    for peer_id in known:
        if peer_id <= 0 or peer_id in needs:
            continue
        since = idle_since.get(peer_id, now)
        if retention > 0 and now - since >= retention:
            forget.append(peer_id)
        else:
            idle[peer_id] = since
    return HashSweep(tuple(forget), idle)


def warming_from(progress: WarmupProgress) -> int | None:
    """Above which member id a group's warm-up still has members to check (listed members are
    checked in id order), or None when none is under way (one only asked for lists afresh)."""
    if not progress.active or progress.state is WarmupState.REQUESTED:
        return None
    return progress.cursor


def listing_outlived(progress: WarmupProgress, now: float, retention: float) -> bool:
    """Whether the members a finished (or cancelled) warm-up listed, with their access hashes,
    are kept no longer: `retention` seconds after it ended (0: kept until the next warm-up)."""
    if progress.active or retention <= 0:
        return False
    ended = progress.finished_at if progress.finished_at is not None else progress.started_at
    return now - ended >= retention
