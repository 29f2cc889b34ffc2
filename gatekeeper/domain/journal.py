"""The log channel's lines: one readable line per thing the bot did, packed into messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from gatekeeper.domain.i18n import ENGLISH, N_, Texts
from gatekeeper.domain.limits import MESSAGE_MAX, clip, length
from gatekeeper.domain.mentions import isolated_plain

LINE_MAX = 500  # one line never crowds out the others of a message


def named(text: str) -> str:
    """A name or title that cannot reorder the line around it (right-to-left names)."""
    return isolated_plain(text, fallback="?")


def _channels(detail: Mapping[str, object], label: Callable[[int], str], t: Texts) -> str:
    ids = detail.get("missing") or detail.get("channels") or []
    listed = ids if isinstance(ids, list) else []
    names = [named(label(i)) for i in listed if isinstance(i, int)]
    return ", ".join(names) or t.tr("the channels")


def _channel(detail: Mapping[str, object], label: Callable[[int], str], t: Texts) -> str:
    channel, known = detail.get("channel_id"), detail.get("label")
    if known:
        return named(str(known))
    return named(label(channel)) if isinstance(channel, int) else t.tr("a channel")


LINES = {
    "mute": N_("🔇 muted {member}: not joined {channels}"),
    "release": N_("🔊 released {member}"),
    "release_taken_over": N_("↩️ an admin changed {member}'s restriction: my mute is theirs"),
    "kick": N_("👢 removed {member}, muted too long (they may come back)"),
    "delete": N_("🗑 deleted a message from {member}"),
    "would_mute": N_("👁 would have muted {member}: not joined {channels}"),
    "would_warn": N_("👁 would have warned {member}: not joined {channels}"),
    "link_broken": N_("⚠️ link broken: I cannot check {channel} ({problem}); I mute nobody for it"),
    "link_healed": N_("✅ link healed: I can check {channel} again"),
    "protect": N_("🛡 {admin} turned protection on: {channels}"),
    "unprotect": N_("🛡 {admin} turned protection off"),
    "unlink": N_("🔗 {admin} unlinked {channel}"),
    "settings": N_("⚙️ {admin} changed a setting: {setting}"),
    "logchannel": N_("📒 {admin} set this log channel"),
    "logchannel_off": N_("📒 {admin} turned this log off"),
    "allow": N_("✅ {member} may write without the channels (an admin's exception)"),
    "disallow": N_("✅ {member}'s exception ended"),
    "bot_demoted": N_("⏸ I lost my admin rights: I have stopped guarding"),
    "bot_removed": N_("⏸ I was removed from the group"),
    "bot_ok": N_("▶️ I am an admin again: guarding resumed"),
}


def line(
    action: str,
    detail: Mapping[str, object],
    *,
    group: str,
    member: str | None,
    label: Callable[[int], str],
    admin: str | None = None,
    t: Texts = ENGLISH,
) -> str | None:
    """The log line for one audit entry, in the group's language (None: not worth a line).
    `member` names the member acted on, `admin` who gave the command, `label` a channel."""
    message = LINES.get(action)
    if message is None:
        return None
    problem = detail.get("problem")
    text = t.tr(
        message,
        member=named(member) if member else t.tr("someone"),
        admin=named(admin) if admin else t.tr("an admin"),
        channels=_channels(detail, label, t),
        channel=_channel(detail, label, t),
        problem=t.known(str(problem)) if problem else t.tr("unreachable"),
        setting=str(detail.get("setting", "?")),
    )
    return clip(f"[{named(group)}] {text}", LINE_MAX)


def pack(lines: Sequence[str], limit: int = MESSAGE_MAX) -> list[str]:
    """Lines joined into as few messages as Telegram's length allows, in order."""
    messages, start = [], 0
    for count in split(lines, limit):
        messages.append("\n".join(lines[start : start + count]))
        start += count
    return messages


def split(lines: Sequence[str], limit: int = MESSAGE_MAX) -> list[int]:
    """How many of `lines`, in order, each message takes when they are packed."""
    counts: list[int] = []
    size = 0
    for text in lines:
        if counts and size + 1 + length(text) <= limit:
            counts[-1] += 1
            size += 1 + length(text)
        else:
            counts.append(1)
            size = length(text)
    return counts
