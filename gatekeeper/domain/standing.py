"""Where a user stands in a chat, as plain facts (the adapter reads Telegram's objects once)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gatekeeper.domain.model import BannedRights


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a user stands in a chat."""

    is_member: bool
    is_admin: bool = False  # creator or admin
    rights: BannedRights = field(default_factory=BannedRights)  # for a restricted member
    can_ban: bool = False  # an admin with the right to restrict members
    can_delete: bool = False
    can_invite: bool = False
    is_bot: bool = False
    restricted_by: int | None = None  # the admin (or bot) who set the current restriction
    access_hash: int | None = None  # the user's, as Telegram gave it to this bot (to store it)


NOT_MEMBER = Standing(is_member=False)
