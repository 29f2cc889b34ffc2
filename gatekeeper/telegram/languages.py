"""Whose language a reply is in: a user's own Telegram language, or their group's."""

from __future__ import annotations

from typing import Any

from gatekeeper.domain.i18n import Texts
from gatekeeper.services.registry import Registry


def lang_code(user: Any) -> str | None:
    """The language of a user's Telegram app (User.lang_code, which Telegram gives bots)."""
    code = getattr(user, "lang_code", None)
    return str(code) if code else None


def presser_texts(registry: Registry, event: Any) -> Texts:
    """A press is answered to the presser alone: in their language, else in the group's."""
    code = lang_code(event.sender)
    if code is None and event.is_channel:
        return registry.texts(int(event.chat_id))
    return registry.library.texts(code)
