"""`/settings`: a group's settings shown and changed, its language and its own notice text
among them, answered in the group's language (the new one, once it is changed)."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.domain.commands import CommandError
from gatekeeper.domain.model import GroupRules, GroupSettings
from gatekeeper.domain.notice_text import NOTICE_TEXT_KEYS, check_notice_text, notice_text_argument
from gatekeeper.domain.setting_commands import apply_setting, settings_lines
from gatekeeper.services.registry import Registry


async def change_settings(
    registry: Registry, rules: GroupRules, args: tuple[str, ...], text: str
) -> str:
    """The answer to `/settings` with `args`; `text` is the command as typed."""
    group_id = rules.group_id
    t = registry.texts(group_id)
    current = rules.settings
    if args:
        try:
            current = _changed(current, args, text)
        except CommandError as error:
            return error.text(t)
        await registry.storage.groups.save_settings(group_id, current)
        await registry.refresh(group_id)
        t = registry.texts(group_id)
    shown = [t.tr("Settings:"), *settings_lines(current, t)]
    if args and args[0].lower() in NOTICE_TEXT_KEYS and current.notice_text:
        shown = [t.tr("The group's notice is now:"), current.notice_text]
    return "\n".join([*([t.tr("Saved.")] if args else []), *shown])


def _changed(settings: GroupSettings, args: tuple[str, ...], text: str) -> GroupSettings:
    if args[0].lower() not in NOTICE_TEXT_KEYS:
        return apply_setting(settings, args)
    given = notice_text_argument(text)
    if given.strip().lower() == "reset":
        return replace(settings, notice_text=None)
    return replace(settings, notice_text=check_notice_text(given))
