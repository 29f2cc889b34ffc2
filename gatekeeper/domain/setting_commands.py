"""`/settings <key> <value>`: a group's settings changed by admins, and shown back to them."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.domain.commands import CommandError
from gatekeeper.domain.durations import parse_duration as parse_duration
from gatekeeper.domain.durations import say as _say
from gatekeeper.domain.durations import within as _within
from gatekeeper.domain.i18n import DEFAULT_LANGUAGE, ENGLISH, LANGUAGES, N_, Texts, language_of
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
    Mode,
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
    OnViolation.DELETE_AND_MUTE: N_("delete the message and mute"),
    OnViolation.MUTE: N_("mute only (the message stays)"),
    OnViolation.DELETE: N_("delete only (nobody is muted; the notice still shows)"),
}
_ACTION_SHORT = {
    OnViolation.DELETE_AND_MUTE: N_("delete the message and mute"),
    OnViolation.MUTE: N_("mute only"),
    OnViolation.DELETE: N_("delete only"),
}
SETTINGS_USAGE = N_(
    "Usage: /settings action delete|mute|delete-only, /settings require all|any, "
    "/settings warn 2|off, /settings on-leave now|next-message, /settings kick 24h|off, "
    "/settings grace 10m|off|strict|lenient, /settings sweep mute|off, {join}, "
    "/settings mode observe|enforce, "
    "/settings language {languages}, /settings notice-text <text>|reset, "
    "or /settings notice <seconds, or e.g. 2m, 1h>"
)


def _usage() -> CommandError:
    return CommandError(SETTINGS_USAGE, join=JOIN_USAGE, languages="|".join(LANGUAGES))


def apply_setting(settings: GroupSettings, args: tuple[str, ...]) -> GroupSettings:
    """The settings after `/settings <key> <value>`; raises CommandError with how to fix it."""
    if len(args) != 2:
        raise _usage()
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
                "warn takes a number of warnings from 0 to {most}, or off", most=MAX_WARN_FIRST
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
    if key == "language":
        language = language_of(args[1])
        if language is None:
            raise CommandError(
                "language must be one of {languages}", languages=", ".join(LANGUAGES)
            )
        return replace(settings, language=language)
    joining = apply_join_setting(settings, key, value)
    if joining is not None:
        return joining
    if key == "mode":
        if value not in ("observe", "enforce"):
            raise CommandError(
                "mode must be observe (I act on nobody and count what I would have done) "
                "or enforce (I guard the group)"
            )
        return replace(settings, mode=Mode(value))
    raise _usage()


def rule_words(settings: GroupSettings, t: Texts = ENGLISH) -> str:
    if settings.require is Require.ANY:
        return t.tr("at least one channel")
    return t.tr("every channel")


def _kick_words(settings: GroupSettings, t: Texts) -> str:
    if settings.kick_after is None:
        return t.tr("off")
    return t.tr("after {duration} muted by me", duration=_say(settings.kick_after))


def _warn_words(settings: GroupSettings, t: Texts) -> str:
    count = settings.warn_first
    if not count:
        return t.tr("none")
    return t.tr_n(
        "{count} message deleted with a notice before the mute",
        "{count} messages deleted with a notice before the mute",
        count,
    )


def _leave_words(settings: GroupSettings, t: Texts) -> str:
    if settings.on_leave is OnLeave.NOW:
        return t.tr("muted and told at once")
    return t.tr("quietly; they meet the gate when they next write")


def _grace_words(settings: GroupSettings, t: Texts) -> str:
    if settings.grace is None:
        return t.tr("off ({mode} when on)", mode=settings.grace_mode)
    if settings.grace_mode is GraceMode.STRICT:
        return t.tr(
            "{duration} for newcomers, strict: muted when it ends if still not joined",
            duration=_say(settings.grace),
        )
    return t.tr(
        "{duration} for newcomers, lenient: muted only if they write after it",
        duration=_say(settings.grace),
    )


def _sweep_words(settings: GroupSettings, t: Texts) -> str:
    if settings.sweep is Sweep.MUTE:
        return t.tr("mutes the unsubscribed it finds, with one summary notice")
    return t.tr("mutes nobody; they meet the gate when they next write")


def status_line(settings: GroupSettings, t: Texts = ENGLISH) -> str:
    """The rules in one line, for /status."""
    grace = f"{_say(settings.grace)} {settings.grace_mode}" if settings.grace else t.tr("off")
    return t.tr(
        "Rules: members must join {rule}; {action}; warnings first: {warn}; "
        "on leaving a channel: {on_leave}; grace {grace}; removal {kick}; {joins}; "
        "warm-up sweep: {sweep}",
        rule=rule_words(settings, t),
        action=t.tr(_ACTION_SHORT[settings.on_violation]),
        warn=settings.warn_first,
        on_leave=settings.on_leave,
        grace=grace,
        kick=_kick_words(settings, t),
        joins=join_status(settings, t),
        sweep=settings.sweep,
    )


def settings_lines(settings: GroupSettings, t: Texts = ENGLISH) -> list[str]:
    """What /settings shows: each setting, with how to change it."""
    return [
        t.tr("• mode: {value}", value=_mode_words(settings, t))
        + "  (/settings mode observe|enforce)",
        t.tr("• members must join: {value}", value=rule_words(settings, t))
        + "  (/settings require all|any)",
        t.tr(
            "• action on a non-subscriber: {value}", value=t.tr(_ACTION_TEXT[settings.on_violation])
        )
        + "  (/settings action delete|mute|delete-only)",
        t.tr("• warnings first: {value}", value=_warn_words(settings, t))
        + "  (/settings warn 2|off)",
        t.tr("• grace period: {value}", value=_grace_words(settings, t))
        + "  (/settings grace 10m|off|strict|lenient)",
        t.tr("• on leaving a channel: {value}", value=_leave_words(settings, t))
        + "  (/settings on-leave now|next-message)",
        t.tr(
            "• removal of members I muted (they may come back): {value}",
            value=_kick_words(settings, t),
        )
        + "  (/settings kick 24h|off)",
        t.tr("• notice lifetime: {value}", value=f"{settings.notice_ttl}s")
        + "  (/settings notice 2m)",
        t.tr("• language: {value}", value=settings.language or DEFAULT_LANGUAGE)
        + f"  (/settings language {'|'.join(LANGUAGES)})",
        t.tr(
            "• notice text: {value}",
            value=t.tr("the group's own") if settings.notice_text else t.tr("the standard one"),
        )
        + "  (/settings notice-text …|reset)",
        *join_lines(settings, t),
        t.tr("• a warm-up (/verify) {value}", value=_sweep_words(settings, t))
        + "  (/settings sweep mute|off)",
    ]


def _mode_words(settings: GroupSettings, t: Texts) -> str:
    if settings.mode is Mode.OBSERVE:
        return t.tr("observe: I act on nobody, I count what I would have done")
    return t.tr("enforce: I guard the group")


def mode_change(before: GroupSettings, after: GroupSettings, t: Texts = ENGLISH) -> list[str]:
    """What an admin is told when the mode changes."""
    if before.mode is after.mode:
        return []
    if after.mode is Mode.OBSERVE:
        return [
            t.tr(
                "👁 Observe mode: from now on I act on nobody (no deletion, no mute, no notice) "
                "and count whom I would have muted (/status). Members I muted before stay muted "
                "until they join."
            )
        ]
    return [
        t.tr(
            "🛡 Enforcing from now on. Members who wrote while I only watched meet the gate when "
            "they next write: nobody is muted for the past."
        )
    ]


say_duration = _say  # for the panel's buttons
