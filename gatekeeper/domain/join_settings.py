"""`/settings decline 1h|off` and `/settings pending accept|off`: a group's join-request rules."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.domain.commands import CommandError
from gatekeeper.domain.durations import parse_duration, say, within
from gatekeeper.domain.i18n import ENGLISH, Texts
from gatekeeper.domain.model import MAX_DECLINE_AFTER, MIN_DECLINE_AFTER, GroupSettings

JOIN_USAGE = "/settings decline 1h|off, /settings pending accept|off"


def apply_join_setting(settings: GroupSettings, key: str, value: str) -> GroupSettings | None:
    """The settings after a join-request setting; None if `key` is not one of them."""
    if key == "decline":
        if value == "off":
            return replace(settings, decline_after=None)
        seconds = parse_duration(value, "decline")
        return replace(
            settings,
            decline_after=within(seconds, MIN_DECLINE_AFTER, MAX_DECLINE_AFTER, "decline"),
        )
    if key == "pending":
        if value not in ("accept", "off"):
            raise CommandError(
                "pending must be accept (a request to join a private channel counts as "
                "joined) or off"
            )
        return replace(settings, pending_accept=value == "accept")
    return None


def decline_words(settings: GroupSettings, t: Texts = ENGLISH) -> str:
    if settings.decline_after is None:
        return t.tr("left to the admins when not completed")
    return t.tr(
        "declined after {duration} when not completed", duration=say(settings.decline_after)
    )


def pending_words(settings: GroupSettings, t: Texts = ENGLISH) -> str:
    if settings.pending_accept:
        return t.tr("counts as joined")
    return t.tr("does not count (off)")


def join_lines(settings: GroupSettings, t: Texts = ENGLISH) -> list[str]:
    """What /settings shows of the join-request rules."""
    return [
        t.tr(
            "• join requests: approved at once for subscribers, others asked privately; {decline}",
            decline=decline_words(settings, t),
        )
        + "  (/settings decline 1h|off)",
        t.tr(
            "• a pending request to join a private channel: {state}",
            state=pending_words(settings, t),
        )
        + "  (/settings pending accept|off)",
    ]


def join_status(settings: GroupSettings, t: Texts = ENGLISH) -> str:
    """The join-request rules in a few words, for /status."""
    after = settings.decline_after
    if after is None:
        decline = t.tr("unfinished join requests declined: off")
    else:
        decline = t.tr("unfinished join requests declined: after {duration}", duration=say(after))
    if not settings.pending_accept:
        return decline
    return decline + "; " + t.tr("pending requests to private channels count as joined")
