"""A member's own view in private: the groups where the bot has them muted, for which
channels, the join buttons and one "I have joined" button that re-checks them all.

The view and its button are always the presser's own: nothing in them names a member, so
no link or button can be used to look at, or act on, someone else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gatekeeper.domain.answers import AnswerKind, VerifyAnswer
from gatekeeper.domain.i18n import ENGLISH, Texts
from gatekeeper.domain.journal import named
from gatekeeper.domain.keyboard import Button, Keyboard
from gatekeeper.domain.limits import CALLBACK_ANSWER_MAX, clip
from gatekeeper.domain.model import Channel, ChatId, GroupRules, Restriction, UserId

START_PAYLOAD = "muted"  # t.me/<bot>?start=muted opens the view
CHECK_ALL = b"gk1:me"  # the view's "I have joined": re-checks the presser everywhere
GROUPS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class MutedIn:
    group_id: ChatId
    title: str
    channels: tuple[Channel, ...]  # still to join, as far as the bot knows


def muted_in(
    user_id: UserId, restrictions: Iterable[Restriction], rules: Mapping[ChatId, GroupRules]
) -> list[MutedIn]:
    """Where the bot has this member muted, and for which of the group's current channels."""
    found: list[MutedIn] = []
    for restriction in restrictions:
        group = rules.get(restriction.group_id)
        if restriction.user_id != user_id or group is None:
            continue
        missing = tuple(
            link.channel for link in group.links if link.channel.id in restriction.missing
        )
        every = tuple(link.channel for link in group.links)
        found.append(MutedIn(group.group_id, group.title, missing or every))
    return sorted(found, key=lambda m: m.title.lower())


def view(muted: Sequence[MutedIn], t: Texts = ENGLISH) -> tuple[str, Keyboard]:
    """The text and keyboard of a member's own view, in their language."""
    if not muted:
        return t.tr("You are not muted in any group I guard: you can write everywhere. 🙂"), ()
    lines = [t.tr("You are muted by me in:")]
    for entry in muted[:GROUPS_SHOWN]:
        channels = ", ".join(named(c.label) for c in entry.channels)
        lines.append(
            t.tr("• {group}: join {channels}", group=named(entry.title), channels=channels)
        )
    if len(muted) > GROUPS_SHOWN:
        more = len(muted) - GROUPS_SHOWN
        lines.append(t.tr_n("… and {count} more group", "… and {count} more groups", more))
    lines.append(t.tr("Join, then press “I have joined”: I check every group at once."))
    rows: list[tuple[Button, ...]] = []
    seen: set[ChatId] = set()
    for entry in muted[:GROUPS_SHOWN]:
        for channel in entry.channels:
            if channel.id not in seen and channel.join_url:
                seen.add(channel.id)
                text = t.tr("Join {channel}", channel=named(channel.title))
                rows.append((Button(text[:64], url=channel.join_url),))
    rows.append((Button(t.tr("✅ I have joined"), data=CHECK_ALL),))
    return "\n".join(lines), tuple(rows)


def summary(answers: Sequence[tuple[str, VerifyAnswer]], t: Texts = ENGLISH) -> str:
    """One answer to the press (at most 200 characters) for the checks in each group."""
    if not answers:
        return t.tr("You are not muted in any group I guard. 🙂")
    freed = [named(title) for title, a in answers if a.kind is AnswerKind.WELCOME]
    later = (AnswerKind.CHECK_LATER, AnswerKind.RELEASE_SOON)
    waiting = [a for _, a in answers if a.kind in later]
    missing = {c.id: named(c.label) for _, a in answers for c in a.missing}
    parts: list[str] = []
    if freed:
        parts.append(t.tr("You can write again in {groups}. 🎉", groups=", ".join(freed)))
    if missing:
        parts.append(t.tr("Still to join: {channels}.", channels=", ".join(missing.values())))
    if waiting:
        parts.append(t.tr("Telegram is busy: I will finish the check shortly by myself."))
    if any(a.kind is AnswerKind.TOO_SOON for _, a in answers) and not parts:
        parts.append(t.tr("Please wait a few seconds before pressing again."))
    fallback = t.tr("Something went wrong; please try again in a minute.")
    return clip(" ".join(parts) or fallback, CALLBACK_ANSWER_MAX)
