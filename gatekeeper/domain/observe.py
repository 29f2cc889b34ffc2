"""Observe-only mode (`/settings mode observe`): the policy decides as usual, these rules say
which of its actions are carried out and which are only counted as what the bot would have done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gatekeeper.domain.actions import Action, Mute, Release, Warn
from gatekeeper.domain.i18n import ENGLISH, Texts
from gatekeeper.domain.model import ChatId, GroupRules, UserId

DAY = 86_400.0
WOULD_MUTE = "would_mute"
WOULD_WARN = "would_warn"


def restrain(
    rules: Mapping[ChatId, GroupRules], actions: Sequence[Action]
) -> tuple[list[Action], list[Action]]:
    """The actions to carry out, and those only counted.

    In observe mode nothing is done to a member: no delete, no mute, no warning, no notice,
    no grace recorded. Lifting a mute the bot imposed before observe mode began still happens:
    it only ever gives a member back what was theirs.
    """
    done: list[Action] = []
    counted: list[Action] = []
    for action in actions:
        group = rules.get(action.group_id)
        if group is None or not group.observing or isinstance(action, Release):
            done.append(action)
        else:
            counted.append(action)
    return done, counted


@dataclass(frozen=True, slots=True)
class WouldHave:
    """One member the bot would have muted (or warned) in one group on one day."""

    kind: str  # WOULD_MUTE or WOULD_WARN
    group_id: ChatId
    user_id: UserId
    missing: tuple[ChatId, ...]


def would_have(actions: Sequence[Action]) -> list[WouldHave]:
    """What counted actions mean to an admin: members muted or warned (notices and deletions
    go with them)."""
    found: list[WouldHave] = []
    for action in actions:
        if isinstance(action, Mute):
            found.append(WouldHave(WOULD_MUTE, action.group_id, action.user_id, action.missing))
        elif isinstance(action, Warn):
            found.append(WouldHave(WOULD_WARN, action.group_id, action.user_id, action.missing))
    return found


def day_of(now: float) -> int:
    """The day (UTC) a moment falls on: counts are "today"."""
    return int(now // DAY)


def observe_line(muted: int, warned: int, t: Texts = ENGLISH) -> str:
    """What /status says in observe mode."""
    line = t.tr_n(
        "👁 Observe mode: I act on nobody. Today (UTC) I would have muted {count} member.",
        "👁 Observe mode: I act on nobody. Today (UTC) I would have muted {count} members.",
        muted,
    )
    if warned:
        line += " " + t.tr_n(
            "I would have warned {count} member.", "I would have warned {count} members.", warned
        )
    return line + " " + t.tr("/settings mode enforce starts guarding.")
