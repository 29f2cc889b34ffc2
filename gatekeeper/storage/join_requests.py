"""JoinRequestStore: requests to join that the bot has not seen handled, kept across restarts."""

from __future__ import annotations

from sqlalchemy import delete, select

from gatekeeper.domain.join_requests import JoinRequest
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.storage._sql import upsert
from gatekeeper.storage.engine import Sessions
from gatekeeper.storage.scope import BotScope
from gatekeeper.storage.tables import JoinRequestRow

_KEY = ("bot_id", "chat_id", "user_id")


class JoinRequestStore:
    """This bot's pending join requests (see `BotScope`)."""

    def __init__(self, sessions: Sessions, scope: BotScope) -> None:
        self._sessions = sessions
        self._scope = scope

    async def save(self, request: JoinRequest, *, access_hash: int | None = None) -> None:
        """Keep the request, with the requester's access hash so that it can be answered after
        any restart, whatever the session file kept."""
        values: dict[str, object] = {
            "bot_id": self._scope.bot_id,
            "chat_id": request.chat_id,
            "user_id": request.user_id,
            "requested_at": request.requested_at,
            "query_id": request.query_id,
            "asked": request.asked,
            "problem": request.problem,
        }
        if access_hash is not None:
            values["access_hash"] = access_hash
        async with self._sessions.begin() as session:
            await session.execute(upsert(session, JoinRequestRow, values, key=_KEY))

    async def remove(self, chat_id: ChatId, user_id: UserId) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(JoinRequestRow).where(
                    JoinRequestRow.bot_id == self._scope.bot_id,
                    JoinRequestRow.chat_id == chat_id,
                    JoinRequestRow.user_id == user_id,
                )
            )

    async def all(self) -> list[JoinRequest]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(JoinRequestRow)
                .where(JoinRequestRow.bot_id == self._scope.bot_id)
                .order_by(JoinRequestRow.requested_at, JoinRequestRow.user_id)
            )
            return [
                JoinRequest(
                    row.chat_id,
                    row.user_id,
                    row.requested_at,
                    row.query_id,
                    row.asked,
                    row.problem,
                )
                for row in rows
            ]

    async def access_hashes(self) -> dict[int, int]:
        """The requesters' access hashes, by user id."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(JoinRequestRow.user_id, JoinRequestRow.access_hash).where(
                    JoinRequestRow.bot_id == self._scope.bot_id,
                    JoinRequestRow.access_hash.is_not(None),
                )
            )
            return {int(user_id): int(hash_) for user_id, hash_ in rows if hash_ is not None}
