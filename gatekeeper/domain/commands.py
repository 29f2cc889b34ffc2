"""Parsing what admins type into commands, with a clear word for anything malformed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gatekeeper.domain.i18n import ENGLISH, N_, Name, Texts
from gatekeeper.domain.model import MAX_CHANNELS_PER_GROUP

COMMANDS = (
    *("start", "help", "protect", "unlink", "unprotect", "status", "settings"),
    *("allow", "disallow", "allowed", "verify", "logchannel"),
)
# The menu Telegram shows for the bot (bots.setBotCommands): name and what it does.
BOT_COMMANDS = (
    ("protect", N_("Require channels: /protect @channel ...")),
    ("unlink", N_("Stop requiring a channel")),
    ("unprotect", N_("Turn protection off and release everyone I muted")),
    ("status", N_("Protection, channel health, muted members")),
    ("settings", N_("Show or change settings")),
    ("allow", N_("Exempt a member: /allow @user, or reply to them")),
    ("disallow", N_("End a member's exception")),
    ("allowed", N_("List the members exempted")),
    ("verify", N_("Check every member now; /verify cancel stops it")),
    ("logchannel", N_("Log what I do to a channel: /logchannel @channel|off")),
    ("help", N_("How to set me up")),
)

_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]{3,32}))?(?:\s+|$)")
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_MAX_CHANNEL_ID = 2**52  # Telegram's ids have at most 52 significant bits (Bot API)
_LINK = re.compile(r"^(?:https?://)?(?:t\.me|telegram\.me)/(?P<rest>[^?#]+)/?$", re.IGNORECASE)


class CommandError(ValueError):
    """Input that cannot be understood: an English message id with its values, shown to the
    user in their language (`text`); `str()` is the English."""

    def __init__(self, message: str, **values: object) -> None:
        self.message = message
        self.values = values
        super().__init__(ENGLISH.tr(message, **values))

    def text(self, texts: Texts) -> str:
        return texts.tr(self.message, **self.values)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """How an admin named a channel: by @username, by numeric id or by invite link."""

    text: str  # as typed, for replies
    username: str | None = None
    channel_id: int | None = None
    invite_hash: str | None = None


def parse_command(text: str, bot_username: str | None) -> ParsedCommand | None:
    """The command in `text`, or None if it is not one of ours (or addressed to another bot)."""
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    name = match.group("name").lower()
    addressed = match.group("bot")
    if addressed and (bot_username is None or addressed.lower() != bot_username.lower()):
        return None
    if name not in COMMANDS:
        return None
    return ParsedCommand(name, tuple(text.strip()[match.end() :].split()))


def _visible(word: str) -> str:
    """The word without invisible format characters (zero-width spaces, direction marks) that
    copying from a right-to-left text or a web page leaves behind."""
    return "".join(ch for ch in word if unicodedata.category(ch) != "Cf")


def _channel_id(number: int, text: str) -> int:
    """The marked id of a chat typed as a number: bare digits are a channel's (-100...)."""
    if 0 < number < _MAX_CHANNEL_ID:
        return -1_000_000_000_000 - number
    if number < 0 and -number - 1_000_000_000_000 < _MAX_CHANNEL_ID:
        return number  # a marked id; what kind of chat it is, Telegram says
    raise CommandError(
        "{text}: that is not a chat's id; a channel's id looks like -100123...", text=Name(text)
    )


def parse_channel_ref(word: str) -> ChannelRef:
    text = _visible(word).strip().rstrip(",")
    link = _LINK.match(text)
    if link:
        rest = link.group("rest").strip("/")
        if rest.startswith("+") or rest.startswith("joinchat/"):
            invite = rest.removeprefix("+").removeprefix("joinchat/")
            if invite:
                return ChannelRef(text, invite_hash=invite)
        elif rest.startswith("c/"):
            digits = rest[2:].split("/")[0]
            if digits.isascii() and digits.isdigit():
                return ChannelRef(text, channel_id=_channel_id(int(digits), text))
        else:
            name = rest.split("/")[0]
            if _USERNAME.match(name):
                return ChannelRef(text, username=name.lower())
        raise CommandError(
            "{text}: I can't read this link; send the channel's @username instead", text=Name(text)
        )
    if text.startswith("@"):
        if _USERNAME.match(text[1:]):
            return ChannelRef(text, username=text[1:].lower())
        raise CommandError("{text}: that is not a valid @username", text=Name(text))
    if re.fullmatch(r"-?[0-9]{5,20}", text):
        return ChannelRef(text, channel_id=_channel_id(int(text), text))
    raise CommandError(
        "{text}: name a channel as @username, t.me/username or its numeric id", text=Name(text)
    )


def parse_channel_refs(
    args: tuple[str, ...],
) -> tuple[list[ChannelRef], list[CommandError]]:
    """Every channel named in `args`, deduplicated, and a message for each unreadable one."""
    refs: list[ChannelRef] = []
    errors: list[CommandError] = []
    seen: set[tuple[str | None, int | None, str | None]] = set()
    for word in args:
        try:
            ref = parse_channel_ref(word)
        except CommandError as error:
            errors.append(error)
            continue
        key = (ref.username, ref.channel_id, ref.invite_hash)
        if key not in seen:
            seen.add(key)
            refs.append(ref)
    if len(refs) > MAX_CHANNELS_PER_GROUP:
        raise CommandError(
            "A group can require at most {most} channels; you named {count}.",
            most=MAX_CHANNELS_PER_GROUP,
            count=len(refs),
        )
    return refs, errors


@dataclass(frozen=True, slots=True)
class UserRef:
    """How an admin named a member: by @username or by numeric id."""

    text: str
    username: str | None = None
    user_id: int | None = None


def parse_user_ref(word: str) -> UserRef:
    text = _visible(word).strip().rstrip(",")
    # Lenient on length (short collectible names exist): the look-up decides.
    if text.startswith("@") and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{2,31}", text[1:]):
        return UserRef(text, username=text[1:].lower())
    if re.fullmatch(r"[0-9]{1,19}", text) and 0 < int(text) < 2**63:
        return UserRef(text, user_id=int(text))
    raise CommandError("{text}: name a member as @username or by their numeric id", text=Name(text))
