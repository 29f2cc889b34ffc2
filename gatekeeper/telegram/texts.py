"""What the bot says, in one place."""

from __future__ import annotations

import html

HELP = """\
👋 I keep a group's chat for the subscribers of its channels.
Members who have not joined every required channel can read but not write: their message is \
removed, they are muted, and I show them a button per channel and an "I have joined" button.

Set me up in four steps:
1. Add me to your group as an admin with the rights to ban users and delete messages.
2. Add me to each channel as an admin, so I can see its subscribers. For a private channel \
also give me the right to invite users via link, so I can show members a join button.
3. In the group, send /protect @yourchannel (several channels: /protect @one @two; a private \
channel by its numeric id or a t.me/c/... link to one of its posts).
4. Send /status to check that every channel is healthy.

Commands, in the group (for its creator and admins with the right to ban):
/protect @channel ... - require these channels and turn protection on
/unlink @channel - stop requiring a channel
/unprotect - turn protection off and release everyone I muted
/status - protection, each channel's health, members I muted
/settings - show settings; /settings action delete|mute, /settings notice 2m

I never act against admins, anonymous admins, posts from the group's linked channel, or other \
bots, and I only ever lift restrictions that I imposed myself."""

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
NAME_MAX = 64  # Telegram's limit on a first name


def isolated(name: str) -> str:
    """A name that cannot reorder the text around it (a right-to-left name, or one with
    direction controls of its own), HTML-escaped for the parse mode notices use."""
    plain = name.translate(_BIDI_CONTROLS).strip()[:NAME_MAX] or "Hello"
    return html.escape(FSI + plain + PDI, quote=False)


def mention(user_id: int, name: str | None) -> str:
    """An HTML mention of a user that notifies them, whatever their name holds."""
    return f'<a href="tg://user?id={int(user_id)}">{isolated(name or "Hello")}</a>'
