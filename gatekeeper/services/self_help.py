"""Members help themselves in private: where they are muted and one button to re-check all."""

from __future__ import annotations

from gatekeeper.domain import self_help
from gatekeeper.domain.callbacks import encode_verify
from gatekeeper.domain.i18n import Texts
from gatekeeper.domain.keyboard import Keyboard
from gatekeeper.domain.model import UserId
from gatekeeper.services.gate import Gate
from gatekeeper.services.registry import Registry


class SelfHelp:
    def __init__(self, registry: Registry, gate: Gate) -> None:
        self._registry = registry
        self._gate = gate

    def muted(self, user_id: UserId) -> list[self_help.MutedIn]:
        return self_help.muted_in(
            user_id, self._registry.restrictions.values(), self._registry.rules
        )

    def view(self, user_id: UserId, t: Texts) -> tuple[str, Keyboard]:
        return self_help.view(self.muted(user_id), t)

    async def check_all(self, user_id: UserId, t: Texts) -> tuple[str, tuple[str, Keyboard]]:
        """Re-check the presser in every group where they are muted (the group button's own
        check, per group); the answer to the press and the view afterwards."""
        answers = [
            (
                entry.title,
                await self._gate.on_verify(entry.group_id, user_id, encode_verify(user_id)),
            )
            for entry in self.muted(user_id)
        ]
        return self_help.summary(answers, t), self.view(user_id, t)
