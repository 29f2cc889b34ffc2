"""`/settings <key> <value>`: a group's settings changed by admins, and shown back to them."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.domain.commands import CommandError
from gatekeeper.domain.durations import parse_duration as parse_duration
from gatekeeper.domain.durations import say as _say
from gatekeeper.domain.durations import within as _within
from gatekeeper.domain.join_settings import JOIN_USAGE, apply_join_setting, join_lines, join_status
from gatekeeper.domain.model import (
    MAX_GRACE,
    MAX_KICK_AFTER,
    MAX_NOTICE_TTL,
    MAX_WARN_FIRST,
    MIN_GRACE,
    MIN_KICK_AFTER,
    MIN_NOTICE_TTL,
    GraceMode,
    GroupSettings,
    OnLeave,
    OnViolation,
    Require,
    Sweep,
)

_VIOLATION_WORDS = {
    "delete": OnViolation.DELETE_AND_MUTE,  # today's name: delete and mute
    "delete_and_mute": OnViolation.DELETE_AND_MUTE,
    "mute": OnViolation.MUTE,
    "mute_only": OnViolation.MUTE,
    "delete-only": OnViolation.DELETE,
    "delete_only": OnViolation.DELETE,
}
_ACTION_TEXT = {
    OnViolation.DELETE_AND_MUTE: "delete the message and mute",
    OnViolation.MUTE: "mute only (the message stays)",
    OnViolation.DELETE: "delete only (nobody is muted; the notice still shows)",
}
SETTINGS_USAGE = (
    "Usage: /settings action delete|mute|delete-only, /settings require all|any, "
    "/settings warn 2|off, /settings on-leave now|next-message, /settings kick 24h|off, "
    "/settings grace 10m|off|strict|lenient, /settings sweep mute|off, "
    f"{JOIN_USAGE}, "
    "or /settings notice <seconds, or e.g. 2m, 1h>"
)


def apply_setting(settings: GroupSettings, args: tuple[str, ...]) -> GroupSettings:
    """The settings after `/settings <key> <value>`; raises CommandError with how to fix it."""
    if len(args) != 2:
        raise CommandError(SETTINGS_USAGE)
    key, value = args[0].lower(), args[1].lower()
    if key in ("action", "on_violation"):
        if value not in _VIOLATION_WORDS:
            raise CommandError(
                "action must be delete (delete and mute), mute (mute only) "
                "or delete-only (nobody is muted)"
            )
        return replace(settings, on_violation=_VIOLATION_WORDS[value])
    if key in ("notice", "notice_ttl"):
        seconds = parse_duration(value, "notice")
        return replace(
            settings, notice_ttl=_within(seconds, MIN_NOTICE_TTL, MAX_NOTICE_TTL, "notice")
        )
    if key == "require":
        if value not in ("all", "any"):
            raise CommandError("require must be all (every channel) or any (at least one)")
        return replace(settings, require=Require(value))
    if key == "kick":
        if value == "off":
            return replace(settings, kick_after=None)
        seconds = parse_duration(value, "kick")
        return replace(
            settings, kick_after=_within(seconds, MIN_KICK_AFTER, MAX_KICK_AFTER, "kick")
        )
    if key == "warn":
        count = 0 if value == "off" else int(value) if value.isascii() and value.isdigit() else -1
        if not 0 <= count <= MAX_WARN_FIRST:
            raise CommandError(
                f"warn takes a number of warnings from 0 to {MAX_WARN_FIRST}, or off"
            )
        return replace(settings, warn_first=count)
    if key == "grace":
        if value in ("strict", "lenient"):
            return replace(settings, grace_mode=GraceMode(value))
        if value == "off":
            return replace(settings, grace=None)
        seconds = parse_duration(value, "grace")
        return replace(settings, grace=_within(seconds, MIN_GRACE, MAX_GRACE, "grace"))
    if key == "sweep":
        if value not in ("mute", "off", "default"):
            raise CommandError("sweep must be mute (a warm-up mutes who it finds) or off")
        return replace(settings, sweep=Sweep.MUTE if value == "mute" else Sweep.OFF)
    if key in ("on-leave", "on_leave"):
        words = {"now": OnLeave.NOW, "next-message": OnLeave.NEXT_MESSAGE}
        if value.replace("_", "-") not in words:
            raise CommandError("on-leave must be now or next-message")
        return replace(settings, on_leave=words[value.replace("_", "-")])
    joining = apply_join_setting(settings, key, value)
    if joining is not None:
        return joining
    raise CommandError(SETTINGS_USAGE)


def rule_words(settings: GroupSettings) -> str:
    return "at least one channel" if settings.require is Require.ANY else "every channel"


def _kick_words(settings: GroupSettings) -> str:
    if settings.kick_after is None:
        return "off"
    return f"after {_say(settings.kick_after)} muted by me"


def _warn_words(settings: GroupSettings) -> str:
    count = settings.warn_first
    if not count:
        return "none"
    return f"{count} message{'s' if count > 1 else ''} deleted with a notice before the mute"


def _leave_words(settings: GroupSettings) -> str:
    if settings.on_leave is OnLeave.NOW:
        return "muted and told at once"
    return "quietly; they meet the gate when they next write"


def _grace_words(settings: GroupSettings) -> str:
    if settings.grace is None:
        return f"off ({settings.grace_mode} when on)"
    end = (
        "muted when it ends if still not joined"
        if settings.grace_mode is GraceMode.STRICT
        else "muted only if they write after it"
    )
    return f"{_say(settings.grace)} for newcomers, {settings.grace_mode}: {end}"


def _sweep_words(settings: GroupSettings) -> str:
    if settings.sweep is Sweep.MUTE:
        return "mutes the unsubscribed it finds, with one summary notice"
    return "mutes nobody; they meet the gate when they next write"


def status_line(settings: GroupSettings) -> str:
    """The rules in one line, for /status."""
    return (
        f"Rules: members must join {rule_words(settings)}; "
        f"{_ACTION_TEXT[settings.on_violation].split(' (')[0]}; "
        f"warnings first: {settings.warn_first}; on leaving a channel: {settings.on_leave}; "
        f"grace {_say(settings.grace) + ' ' + settings.grace_mode if settings.grace else 'off'}; "
        f"removal {_kick_words(settings)}; {join_status(settings)}; "
        f"warm-up sweep: {settings.sweep}"
    )


def settings_lines(settings: GroupSettings) -> list[str]:
    """What /settings shows: each setting, with how to change it."""
    kick = _kick_words(settings)
    return [
        f"• members must join: {rule_words(settings)}  (/settings require all|any)",
        f"• action on a non-subscriber: {_ACTION_TEXT[settings.on_violation]}  "
        "(/settings action delete|mute|delete-only)",
        f"• warnings first: {_warn_words(settings)}  (/settings warn 2|off)",
        f"• grace period: {_grace_words(settings)}  (/settings grace 10m|off|strict|lenient)",
        f"• on leaving a channel: {_leave_words(settings)}  (/settings on-leave now|next-message)",
        f"• removal of members I muted (they may come back): {kick}  (/settings kick 24h|off)",
        f"• notice lifetime: {settings.notice_ttl}s  (/settings notice 2m)",
        *join_lines(settings),
        f"• a warm-up (/verify) {_sweep_words(settings)}  (/settings sweep mute|off)",
    ]
