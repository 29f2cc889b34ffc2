"""What the bot says, in one place."""

from __future__ import annotations

# Names in notices, HTML-escaped and isolated, live in the domain (the notice service uses them).
from gatekeeper.domain.commands import BOT_COMMANDS
from gatekeeper.domain.i18n import DEFAULT_LANGUAGE, N_, Library
from gatekeeper.domain.mentions import FSI as FSI
from gatekeeper.domain.mentions import PDI as PDI
from gatekeeper.domain.mentions import isolated as isolated
from gatekeeper.domain.mentions import mention as mention


def command_menus(library: Library) -> list[tuple[str, list[tuple[str, str]]]]:
    """The command menu in every language, by Telegram's two-letter code ("" is the default,
    English, for everyone whose language has no menu of its own)."""
    menus = []
    for language in library.languages:
        texts = library.texts(language)
        code = "" if language == DEFAULT_LANGUAGE else language.split("_")[0]
        menus.append((code, [(name, texts.tr(text)) for name, text in BOT_COMMANDS]))
    return menus


PRIVATE_HINT = N_("I work in groups. Send /help to see how to set me up.")

HELP = N_("""\
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
/settings - show settings; /settings action delete|mute|delete-only, /settings require all|any \
(every channel or at least one), /settings kick 24h|off (remove members I kept muted that long; \
they may come back), /settings warn 2 (messages deleted with a notice before a mute), \
/settings on-leave now|next-message, /settings grace 10m|off|strict|lenient (time for \
newcomers to join), /settings notice 2m, /settings decline 1h|off (decline join requests \
not completed in that time), /settings sweep mute|off (whether /verify mutes), \
/settings language ru (the group's language), \
/settings notice-text ... (the group's own notice, with {{name}}, {{channels}} and {{group}}; \
reset to go back to the standard one)
/verify - check every member now, gently (/verify cancel stops it); /status shows how far
/allow @user (or reply /allow to their message) - let a member write without the channels; \
/disallow @user ends it; /allowed lists them

I never act against admins, anonymous admins, posts from the group's linked channel, or other \
bots, and I only ever lift restrictions that I imposed myself.""")
# Shown after HELP: the commands that came with the admin experience (observe, log, panel).
HELP_MORE = N_("""\
/settings mode observe|enforce - observe: I act on nobody and count what I would have done, \
to try me safely; enforce: I guard the group
/logchannel @channel - a line in that channel for each thing I do here; /logchannel off
/settings in a private chat with me - buttons for every setting of your groups""")
