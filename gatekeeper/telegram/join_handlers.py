"""Join requests from Telethon: the request itself, the requester's press in the private chat,
and the participant update that says a request was handled (by the bot or by an admin)."""

from __future__ import annotations

import re
from typing import Any

from telethon import events, types, utils

from gatekeeper.clock import Clock
from gatekeeper.domain.callbacks import JOIN_PREFIX, decode_join
from gatekeeper.domain.i18n import Library
from gatekeeper.domain.join_requests import JoinAnswer, JoinRequest
from gatekeeper.domain.rate_limits import Limiter
from gatekeeper.observability.metrics import Metrics
from gatekeeper.services.join_requests import JoinRequests
from gatekeeper.services.pending_requests import PendingRequests
from gatekeeper.telegram import join_texts
from gatekeeper.telegram.database_away import TRY_AGAIN, database_away
from gatekeeper.telegram.gateway import Gateway
from gatekeeper.telegram.handlers import PRESSES_OVERALL, PRESSES_PER_USER, Handlers
from gatekeeper.telegram.languages import lang_code
from gatekeeper.telegram.participants import standing_of

JOIN_BUTTON = re.compile(b"^" + re.escape(JOIN_PREFIX))


class JoinHandlers:
    def __init__(
        self,
        requests: JoinRequests,
        pending: PendingRequests,
        gateway: Gateway,
        metrics: Metrics,
        clock: Clock,
        library: Library | None = None,
    ) -> None:
        self._requests = requests
        self._pending = pending
        self._library = library or Library()
        self._gateway = gateway
        self._metrics = metrics
        self._clock = clock
        self._presses = Limiter(PRESSES_PER_USER, PRESSES_OVERALL)

    def attach(self, handlers: Handlers) -> None:
        """Register with the bot's handlers (bounded, timed, and only once it has started)."""
        handlers.also(
            "join_request", self.on_request, events.Raw(types.UpdateBotChatInviteRequester)
        )
        handlers.also(
            "join_press", self.on_press, events.CallbackQuery(data=JOIN_BUTTON), presses=True
        )
        handlers.also(  # the update is counted as a participant update already
            "join_handled",
            self.on_participant,
            events.Raw(types.UpdateChannelParticipant),
            counted=False,
        )

    async def on_request(self, update: Any) -> None:
        user_id = int(update.user_id)
        date = update.date.timestamp() if update.date else self._clock.now()
        request = JoinRequest(
            int(utils.get_peer_id(update.peer)), user_id, date, update.query_id or None
        )
        access_hash = await self._gateway.access_hash(user_id)
        await self._requests.on_request(request, access_hash=access_hash)

    async def on_press(self, event: Any) -> None:
        t = self._library.texts(lang_code(event.sender))  # the presser's own language
        text, alert = t.tr(join_texts.NOT_OURS), False
        try:
            group_id = decode_join(event.data)
            if group_id is None or not event.is_private:
                self._metrics.button_press("not_our_button")
                return
            if not self._presses.allow(int(event.sender_id), self._clock.now()):
                self._metrics.decision("press_limited")
                text = t.tr(join_texts.TOO_SOON)
                return
            answer: JoinAnswer = await self._requests.on_press(group_id, int(event.sender_id))
            self._metrics.button_press(f"join_{answer.outcome}")
            text, alert = join_texts.join_answer_text(answer, t), answer.alert
        except Exception as error:  # the request stays pending: pressed again, it is decided
            if not database_away(error, "join_press", user_id=event.sender_id):
                raise
            self._metrics.button_press("database_away")
            text, alert = t.tr(TRY_AGAIN), True
        finally:
            await self._gateway.answer(event, text, alert=alert)

    async def on_participant(self, update: Any) -> None:
        """A requester is in: whoever approved them, the request is no longer pending (the
        newcomer is checked like any other by the gate's own handler)."""
        chat_id = int(utils.get_peer_id(types.PeerChannel(update.channel_id)))
        user_id = int(update.user_id)
        known = self._pending.get(chat_id, user_id) is not None
        if known and standing_of(update.new_participant).is_member:
            await self._pending.forget(chat_id, user_id)

    def forget_old(self) -> None:
        self._presses.forget_old(self._clock.now())
