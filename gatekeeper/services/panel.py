"""The private settings panel: an admin's groups, and per group the buttons that change it.

Every press names a group in untrusted data; the presser is asked of Telegram afresh, the
same check as for commands, before anything is shown or changed.
"""

from __future__ import annotations

from gatekeeper.clock import Clock
from gatekeeper.domain import panel
from gatekeeper.domain.events import Actor
from gatekeeper.domain.i18n import N_, Texts
from gatekeeper.domain.keyboard import Button, Keyboard
from gatekeeper.domain.model import ChatId, UserId
from gatekeeper.domain.panel import Do
from gatekeeper.services.admin import Admin
from gatekeeper.services.ports import Telegram
from gatekeeper.services.registry import Registry
from gatekeeper.services.who_configures import configures

View = tuple[str, Keyboard]
ASK_TTL = 300.0  # seconds the panel waits for a channel the admin was asked to type
NOT_ADMIN = N_(
    "You are not an admin of that group who may configure me (its creator, or an admin with "
    "the right to ban users)."
)
GONE = N_("I do not guard that group any more.")


class Panel:
    def __init__(self, gateway: Telegram, registry: Registry, admin: Admin, clock: Clock) -> None:
        self._gateway = gateway
        self._registry = registry
        self._admin = admin
        self._clock = clock
        self._asked: dict[UserId, tuple[Do, ChatId, float]] = {}

    async def _groups(self, user_id: UserId) -> list[tuple[ChatId, str]]:
        """The groups the bot knows where Telegram says this user may configure it now."""
        known = sorted(
            (rules.title.lower(), group_id)
            for group_id, admins in list(self._registry.admins.items())
            if user_id in admins and (rules := self._registry.rules.get(group_id)) is not None
        )
        found = []
        for _, group_id in known[: panel.GROUPS_SHOWN]:
            if await configures(self._gateway, self._registry, group_id, user_id):
                found.append((group_id, self._registry.rules[group_id].title))
        return found

    async def start(self, user_id: UserId, t: Texts) -> View:
        """The panel's first page: the presser's groups (or their one group at once)."""
        groups = await self._groups(user_id)
        if len(groups) == 1:
            return await self._group(groups[0][0], t)
        return panel.groups_view(groups, t)

    async def _group(self, group_id: ChatId, t: Texts) -> View:
        status = await self._admin.status(group_id)
        return panel.group_view(self._registry.rules[group_id], status, t)

    async def press(self, by: Actor, data: bytes | None, t: Texts) -> tuple[str, View | None]:
        """The answer to a press, and the panel as it is afterwards (None: unchanged)."""
        press = panel.decode(data)
        user_id = by.user_id or 0
        if press is None:
            return t.tr("This button is not one of mine, or it has expired."), None
        if press.what is Do.LIST:
            return "", await self.start(user_id, t)
        if not await configures(self._gateway, self._registry, press.group_id, user_id):
            return t.tr(NOT_ADMIN), None
        rules = self._registry.rules.get(press.group_id)
        if rules is None:
            return t.tr(GONE), None
        group_id, title = rules.group_id, rules.title
        answer = ""
        if press.what is Do.CYCLE:
            args = panel.cycle(rules.settings, press.value)
            before = rules.settings
            reply = await self._admin.settings(group_id, title, args, by=by)
            changed = self._registry.rules.get(group_id, rules).settings != before
            answer = t.tr("Saved: {setting}", setting=" ".join(args)) if changed else reply
        elif press.what is Do.UNLINK:
            channel_id = -1_000_000_000_000 - int(press.value)
            answer = await self._admin.unlink(group_id, (str(channel_id),), by)
        elif press.what in (Do.LINK, Do.LOG):
            self._asked[user_id] = (press.what, group_id, self._clock.now() + ASK_TTL)
            back = ((Button(t.tr("« Back"), data=panel.encode(Do.OPEN, group_id)),),)
            return "", (panel.asking(press.what, title, t), back)
        elif press.what is Do.LOG_OFF:
            answer = await self._admin.log_channel.configure(group_id, title, ("off",), by)
        elif press.what is Do.OFF:
            answer = await self._admin.unprotect(group_id, by)
        elif press.what is Do.ON:
            channels = tuple(str(link.channel.id) for link in rules.links)
            answer = await self._admin.protect(group_id, title, channels, by=by)
        if self._registry.rules.get(group_id) is None:
            return answer, None
        return answer.split("\n")[0], await self._group(group_id, t)

    async def typed(self, by: Actor, text: str, t: Texts) -> tuple[str, View] | None:
        """A channel the admin was asked for (None: nothing was asked, or it is too late)."""
        asked = self._asked.pop(by.user_id or 0, None)
        if asked is None or asked[2] < self._clock.now():
            return None
        what, group_id, _ = asked
        rules = self._registry.rules.get(group_id)
        if rules is None:
            return t.tr(GONE), ("", ())
        if not await configures(self._gateway, self._registry, group_id, by.user_id or 0):
            return t.tr(NOT_ADMIN), ("", ())
        words = tuple(text.split()[:5])
        try:
            if what is Do.LINK:
                reply = await self._admin.protect(group_id, rules.title, words, by=by)
            else:
                reply = await self._admin.log_channel.configure(group_id, rules.title, words, by)
        except Exception:  # the database away, say: what was asked is still asked
            self._asked.setdefault(by.user_id or 0, asked)
            raise
        return reply, await self._group(group_id, t)

    def cancel(self, user_id: UserId) -> bool:
        return self._asked.pop(user_id, None) is not None

    def forget_old(self) -> None:
        now = self._clock.now()
        for user_id in [u for u, (_, _, until) in self._asked.items() if until < now]:
            del self._asked[user_id]
