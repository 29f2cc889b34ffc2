"""The notice a muted member reads: the standard one in the group's language, or the group's
own text (`/settings notice-text`), checked so that Telegram takes it whoever it names."""

from __future__ import annotations

import html
import re
import string

from gatekeeper.domain.commands import CommandError
from gatekeeper.domain.i18n import Texts
from gatekeeper.domain.limits import MESSAGE_MAX, length
from gatekeeper.domain.mentions import NAME_MAX

PLACEHOLDERS = ("name", "channels", "group")
NOTICE_TEXT_KEYS = ("notice-text", "notice_text")  # /settings notice-text ...
BATCH_SIZE = 10  # members named in one notice (Telegram allows 4096 characters)
CHANNELS_BUDGET = 600  # characters of channel names in one notice; more are counted instead
GROUP_TITLE_MAX = 128  # Telegram's limit on a chat's title
# The most each placeholder can grow to once filled in (visible characters, isolates included).
_LONGEST = {
    "name": BATCH_SIZE * (NAME_MAX + 2) + (BATCH_SIZE - 1) * 2,
    "channels": CHANNELS_BUDGET,
    "group": GROUP_TITLE_MAX + 2,
}
# Telegram's HTML (Bot API "formatting options"): these tags, these attributes, four entities.
_TAGS = {
    **dict.fromkeys(("b", "strong", "i", "em", "u", "ins", "s", "strike", "del"), ()),
    **dict.fromkeys(("tg-spoiler", "code", "blockquote"), ("class", "expandable")),
    "span": ("class",),
    "a": ("href",),
    "pre": (),
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z-]*)((?:\s+[^<>]*)?)\s*(/?)>")
_ATTRIBUTE = re.compile(r"""\s*([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});")


def standard_notice(t: Texts, names: str, channels: str, *, any_of: bool, many: bool) -> str:
    """The notice in the group's language; `names` and `channels` are HTML already."""
    if many:
        if any_of:
            return t.tr(
                "{names}: this chat is for subscribers of at least one of {channels}. "
                "Join, then press <b>I have joined</b>.",
                names=names,
                channels=channels,
            )
        return t.tr(
            "{names}: this chat is for subscribers of {channels}. "
            "Join, then press <b>I have joined</b>.",
            names=names,
            channels=channels,
        )
    if any_of:
        return t.tr(
            "{name}, this chat is for subscribers of at least one of {channels}. "
            "Join, then press <b>I have joined</b> to write here.",
            name=names,
            channels=channels,
        )
    return t.tr(
        "{name}, this chat is for subscribers of {channels}. "
        "Join, then press <b>I have joined</b> to write here.",
        name=names,
        channels=channels,
    )


def fill(template: str, *, name: str, channels: str, group: str) -> str:
    """The group's own notice with its placeholders filled in (each value HTML already)."""
    return template.format_map({"name": name, "channels": channels, "group": group})


def check_notice_text(template: str) -> str:
    """The group's own notice text as it will be kept, or a CommandError saying what is wrong."""
    template = template.strip()
    if not template:
        raise CommandError("The notice text is empty; write it after /settings notice-text")
    used = _placeholders(template)
    if "name" not in used:
        raise CommandError(
            "The notice must name the member: put {placeholder} where their name goes.",
            placeholder="{name}",
        )
    visible = _visible(template)
    longest = length(visible) + sum(_LONGEST[p] * n for p, n in used.items())
    if longest > MESSAGE_MAX:
        raise CommandError(
            "The notice text is too long: with the longest names and channels it could reach "
            "{longest} characters, and Telegram takes {most}. Shorten it by {over}.",
            longest=longest,
            most=MESSAGE_MAX,
            over=longest - MESSAGE_MAX,
        )
    return template


def notice_text_argument(text: str) -> str:
    """What follows `/settings notice-text` in the command as typed, its lines kept."""
    lowered = text.lower()
    for key in NOTICE_TEXT_KEYS:
        at = lowered.find(key)
        if at >= 0:
            return text[at + len(key) :]
    return ""


def _placeholders(template: str) -> dict[str, int]:
    """How often each placeholder is used; anything else in braces is refused."""
    used: dict[str, int] = {}
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        raise CommandError(
            "A brace in the notice text is not closed; placeholders are {placeholders}, "
            "and a brace itself is written {{ or }}.",
            placeholders=_known(),
        ) from None
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise CommandError(
                "{placeholder} is not a placeholder I know; use {placeholders}.",
                placeholder="{" + field + "}",
                placeholders=_known(),
            )
        used[field] = used.get(field, 0) + 1
    return used


def _known() -> str:
    return ", ".join("{" + p + "}" for p in PLACEHOLDERS)


def _visible(template: str) -> str:
    """The text Telegram would show, placeholders left out; refuses markup it would refuse."""
    open_tags: list[str] = []
    shown: list[str] = []
    at = 0
    for match in _TAG.finditer(template):
        shown.append(_text(template[at : match.start()]))
        at = match.end()
        closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if tag not in _TAGS:
            raise CommandError(
                "Telegram does not know the tag <{tag}>; use b, i, u, s, a, code, pre, "
                "blockquote or tg-spoiler.",
                tag=tag,
            )
        if closing:
            if not open_tags or open_tags[-1] != tag:
                raise CommandError("</{tag}> closes a tag that is not open.", tag=tag)
            open_tags.pop()
            continue
        _check_attributes(tag, attributes)
        open_tags.append(tag)
    shown.append(_text(template[at:]))
    if open_tags:
        raise CommandError("<{tag}> is never closed.", tag=open_tags[-1])
    return "".join(shown)


def _check_attributes(tag: str, attributes: str) -> None:
    found = {
        m.group(1).lower(): next(filter(None, m.groups()[1:]), "")
        for m in _ATTRIBUTE.finditer(attributes)
        if m.group(0).strip()
    }
    if set(found) - set(_TAGS[tag]) or (tag == "a" and not found.get("href")):
        raise CommandError(
            "<{tag}> cannot take these attributes; a link is written "
            '<a href="https://t.me/...">words</a>.',
            tag=tag,
        )
    if tag == "span" and found.get("class") != "tg-spoiler":
        raise CommandError('A <span> must be <span class="tg-spoiler">.')


def _text(part: str) -> str:
    """Text between tags as Telegram shows it: entities decoded, stray < > & refused."""
    bare = _ENTITY.sub("", part)
    stray = next((ch for ch in "<>&" if ch in bare), None)
    if stray is not None:
        raise CommandError(
            "Write {char} as {entity} in the notice text, or Telegram cannot read its markup.",
            char=stray,
            entity=html.escape(stray),
        )
    literal = re.sub(r"\{(?:name|channels|group)\}", "", part).replace("{{", "{").replace("}}", "}")
    return html.unescape(literal)
