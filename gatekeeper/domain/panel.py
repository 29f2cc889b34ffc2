"""The private settings panel: what its buttons carry, what each press changes, how it looks.

A button's data names a group and what to do there, in at most 64 bytes. It is untrusted:
whoever presses is checked afresh as an admin of that group before anything happens, so
data made up for another group does nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gatekeeper.domain.i18n import ENGLISH, N_, Texts
from gatekeeper.domain.journal import named
from gatekeeper.domain.keyboard import Button, Keyboard
from gatekeeper.domain.model import GroupRules, GroupSettings, OnLeave
from gatekeeper.domain.setting_commands import say_duration

START_PAYLOAD = "settings"  # t.me/<bot>?start=settings opens the panel
_PREFIX = "gk1:p:"
_DATA = re.compile(
    r"^gk1:p:(?P<what>[a-z]):(?P<group>-[0-9]{13,19}|0)(?::(?P<value>[a-z0-9_-]{1,20}))?$"
)
GROUPS_SHOWN = 20


class Do(StrEnum):
    LIST = "l"  # the presser's groups
    OPEN = "g"  # one group's status and buttons
    CYCLE = "s"  # a setting to its next value (value: the setting)
    UNLINK = "u"  # stop requiring a channel (value: its bare id)
    LINK = "a"  # ask for a channel to require
    LOG = "c"  # ask for a log channel
    LOG_OFF = "o"
    OFF = "x"  # protection off
    ON = "p"  # protection on again, with the channels linked


@dataclass(frozen=True, slots=True)
class Press:
    what: Do
    group_id: int  # 0 for the list
    value: str = ""


# Each setting's values, in the order a press moves through them.
CYCLES: dict[str, tuple[str, ...]] = {
    "mode": ("enforce", "observe"),
    "require": ("all", "any"),
    "action": ("delete", "mute", "delete-only"),
    "warn": ("off", "1", "2", "3"),
    "on-leave": ("now", "next-message"),
    "grace": ("off", "10m", "1h", "24h"),
    "grace-mode": ("lenient", "strict"),
    "kick": ("off", "24h", "7d"),
    "notice": ("1m", "2m", "5m", "10m"),
}


def encode(what: Do, group_id: int = 0, value: str = "") -> bytes:
    data = f"{_PREFIX}{what.value}:{group_id}" + (f":{value}" if value else "")
    return data.encode()


def decode(data: bytes | None) -> Press | None:
    """The press, or None for data that is not a well-formed panel button."""
    if not data or len(data) > 64 or not data.startswith(_PREFIX.encode()):
        return None
    match = _DATA.match(data.decode("ascii", errors="replace"))
    if not match:
        return None
    try:
        what = Do(match.group("what"))
    except ValueError:
        return None
    group_id, value = int(match.group("group")), match.group("value") or ""
    if (what is Do.LIST) != (group_id == 0) or group_id < -(2**63):
        return None
    if what is Do.CYCLE and value not in CYCLES:
        return None
    if what is Do.UNLINK and not value.isdigit():
        return None
    return Press(what, group_id, value)


def _current(settings: GroupSettings, key: str) -> str:
    if key == "mode":
        return settings.mode.value
    if key == "require":
        return settings.require.value
    if key == "action":
        return {"delete_and_mute": "delete", "mute": "mute"}.get(
            settings.on_violation.value, "delete-only"
        )
    if key == "warn":
        return str(settings.warn_first) if settings.warn_first else "off"
    if key == "on-leave":
        return "now" if settings.on_leave is OnLeave.NOW else "next-message"
    if key == "grace":
        return say_duration(settings.grace) if settings.grace else "off"
    if key == "grace-mode":
        return settings.grace_mode.value
    if key == "kick":
        return say_duration(settings.kick_after) if settings.kick_after else "off"
    return say_duration(settings.notice_ttl)


def cycle(settings: GroupSettings, key: str) -> tuple[str, str]:
    """The `/settings` words that move `key` to its next value."""
    values = CYCLES[key]
    now = _current(settings, key)
    after = values[(values.index(now) + 1) % len(values)] if now in values else values[0]
    return ("grace", after) if key == "grace-mode" else (key, after)


_LABELS = {
    "mode": N_("Mode: {value}"),
    "require": N_("Members must join: {value}"),
    "action": N_("On a non-subscriber: {value}"),
    "warn": N_("Warnings first: {value}"),
    "on-leave": N_("On leaving a channel: {value}"),
    "grace": N_("Grace for newcomers: {value}"),
    "grace-mode": N_("Grace is: {value}"),
    "kick": N_("Remove muted after: {value}"),
    "notice": N_("Notice lasts: {value}"),
}


def groups_view(groups: list[tuple[int, str]], t: Texts = ENGLISH) -> tuple[str, Keyboard]:
    """The presser's groups, a button each."""
    if not groups:
        return (
            t.tr(
                "I found no group where you are an admin who may configure me (the creator, or "
                "an admin with the right to ban users). Add me to your group as an admin, send "
                "/protect @channel there, then /settings here."
            ),
            (),
        )
    rows = tuple(
        (Button(title[:60] or str(group_id), data=encode(Do.OPEN, group_id)),)
        for group_id, title in groups[:GROUPS_SHOWN]
    )
    return t.tr("Your groups: choose one to see its status and change its settings."), rows


def group_view(rules: GroupRules, status: str, t: Texts = ENGLISH) -> tuple[str, Keyboard]:
    """One group: its status, a button per setting (showing its value), its channels."""
    gid = rules.group_id
    settings = rules.settings

    def button(text: str, what: Do, value: str = "") -> Button:
        return Button(text[:60], data=encode(what, gid, value))

    cells = [
        button(t.tr(_LABELS[key], value=_current(settings, key)), Do.CYCLE, key) for key in CYCLES
    ]
    rows: list[tuple[Button, ...]] = [(cells[0],)]
    rows += [tuple(cells[i : i + 2]) for i in range(1, len(cells), 2)]
    for link in rules.links:
        bare = str(-link.channel.id - 1_000_000_000_000)
        unlink = t.tr("✖ Unlink {channel}", channel=t.name(link.channel.label))
        rows.append((button(unlink, Do.UNLINK, bare),))
    rows.append((button(t.tr("➕ Require a channel"), Do.LINK),))
    if rules.log_channel_id is None:
        rows.append((button(t.tr("📒 Set a log channel"), Do.LOG),))
    else:
        rows.append((button(t.tr("📒 Log channel off"), Do.LOG_OFF),))
    if rules.protected:
        rows.append((button(t.tr("⏻ Turn protection off"), Do.OFF),))
    elif rules.links:
        rows.append((button(t.tr("🛡 Turn protection on"), Do.ON),))
    rows.append(
        (
            button(t.tr("🔄 Refresh"), Do.OPEN),
            Button(t.tr("« My groups")[:60], data=encode(Do.LIST)),
        )
    )
    title = named(rules.title or str(gid))
    text = f"⚙️ {title}\n{status}\n\n" + t.tr("Press a setting to change it.")
    return text, tuple(rows)


def asking(what: Do, title: str, t: Texts = ENGLISH) -> str:
    """What the panel says when it waits for the admin to type a channel."""
    if what is Do.LINK:
        return t.tr(
            "Send me a channel members must join in {group}: its @username, t.me link or "
            "numeric id (or /cancel).",
            group=named(title),
        )
    return t.tr(
        "Send me the channel for my log in {group}: its @username, t.me link or numeric id "
        "(or /cancel).",
        group=named(title),
    )
