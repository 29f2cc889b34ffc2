"""What the fault suite watches of button presses: every press is answered, except one whose
query Telegram let expire while it made the bot wait to answer (a flood wait on
messages.setBotCallbackAnswer still in force when the query's life ran out: the answer could no
longer be given, QUERY_ID_INVALID), or one the bot had not answered when it was killed while the
query still lived (an update is delivered live only, so it died with the bot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telethon import functions

from gatekeeper.sim.errors import RpcFail
from gatekeeper.sim.rpc_messages import CALLBACK_TTL
from gatekeeper.sim.stage import Stage
from gatekeeper.sim.world import CallbackQuery

ANSWER = functions.messages.SetBotCallbackAnswerRequest


@dataclass
class PressWatch:
    stage: Stage
    presses: list[CallbackQuery] = field(default_factory=list)
    waits: list[tuple[float, int]] = field(default_factory=list)  # (given at, seconds)
    expired_in_wait: int = 0  # presses Telegram let expire during a flood wait

    def install(self) -> None:
        sim = self.stage.sim
        original = sim.dispatch

        def watching(sender: Any, request: Any) -> Any:
            try:
                return original(sender, request)
            except RpcFail as fail:
                inner = request
                while hasattr(inner, "query"):  # invokeWithLayer and the like
                    inner = inner.query
                if isinstance(inner, ANSWER) and fail.message.startswith("FLOOD_WAIT_"):
                    seconds = int(fail.message.removeprefix("FLOOD_WAIT_"))
                    self.waits.append((self.stage.clock.now(), seconds))
                raise

        sim.dispatch = watching  # type: ignore[method-assign]

    def pressed(self, query: CallbackQuery) -> None:
        self.presses.append(query)

    def bot_killed(self) -> None:
        """The presses the bot had not answered and could still have: gone with the bot."""
        now = self.stage.clock.now()
        self.presses = [q for q in self.presses if q.answered or now - q.date > CALLBACK_TTL]

    def _expired_in_wait(self, query: CallbackQuery) -> bool:
        expiry = query.date + CALLBACK_TTL
        return any(at <= expiry <= at + seconds for at, seconds in self.waits)

    def check_end(self, violations: list[str]) -> None:
        unanswered = [q for q in self.presses if not q.answered]
        excused = [q for q in unanswered if self._expired_in_wait(q)]
        self.expired_in_wait = len(excused)
        if len(unanswered) > len(excused):
            violations.append(f"{len(unanswered) - len(excused)} button presses never answered")
