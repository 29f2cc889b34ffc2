"""Every rule of the product, as pure functions from facts to actions."""

from __future__ import annotations

from collections.abc import Mapping

from gatekeeper.domain.actions import Action, DeleteMessage, Mute, Release, SendNotice
from gatekeeper.domain.events import MemberJoined, MessagePosted, SenderKind
from gatekeeper.domain.model import ChannelLink, ChatId, GroupRules, OnViolation, Verdict

Verdicts = Mapping[ChatId, Verdict]


def missing_links(rules: GroupRules, verdicts: Verdicts) -> tuple[ChannelLink, ...]:
    """The healthy links the member is known not to have joined.

    A channel the bot cannot check (unhealthy link, UNKNOWN verdict) never counts against a
    member: fail-safe on rights.
    """
    return tuple(
        link
        for link in rules.links
        if link.healthy and verdicts.get(link.channel.id) is Verdict.NOT_MEMBER
    )


def needs_check(rules: GroupRules) -> tuple[ChatId, ...]:
    """The channels whose verdicts the policy needs for a member of this group."""
    return tuple(link.channel.id for link in rules.links if link.healthy)


def is_exempt(message: MessagePosted, rules: GroupRules) -> bool:
    sender = message.sender
    if message.is_service or sender.is_admin or sender.is_bot:
        return True
    if sender.kind in (SenderKind.SELF, SenderKind.GROUP, SenderKind.LINKED_CHANNEL):
        return True
    # Only a channel's admins can post "as" it: as the linked channel or a required one.
    own = (rules.linked_channel_id, *rules.channel_ids)
    return sender.kind is SenderKind.OTHER_CHANNEL and sender.peer_id in own


def on_message(
    message: MessagePosted,
    rules: GroupRules,
    verdicts: Verdicts,
) -> list[Action]:
    """A message appeared in a group: keep it, or take it down and mute its author."""
    if not rules.enforced or is_exempt(message, rules):
        return []
    if message.sender.kind is SenderKind.OTHER_CHANNEL:
        # A post "as" a foreign channel cannot be tied to a subscriber: it is removed.
        return [DeleteMessage(rules.group_id, message.message_id)]
    missing = missing_links(rules, verdicts)
    if not missing:
        return []
    user_id = message.sender.peer_id
    actions = _mute(rules, user_id, missing)
    if rules.settings.on_violation is OnViolation.DELETE_AND_MUTE:
        actions.insert(1, DeleteMessage(rules.group_id, message.message_id, user_id))
    return actions


def on_join(joined: MemberJoined, rules: GroupRules, verdicts: Verdicts) -> list[Action]:
    """Someone became a member: mute them at once if they lack a channel. Nothing is deleted."""
    if not rules.enforced or joined.is_admin or joined.is_bot:
        return []
    missing = missing_links(rules, verdicts)
    if not missing:
        return []
    return _mute(rules, joined.user_id, missing)


def on_recheck(
    rules: GroupRules,
    user_id: int,
    verdicts: Verdicts,
    *,
    muted_by_bot: bool,
) -> list[Action]:
    """A member's subscriptions changed (or they asked to be checked): mute or release."""
    missing = missing_links(rules, verdicts) if rules.enforced else ()
    if muted_by_bot:
        return [] if missing else [Release(rules.group_id, user_id)]
    if missing:
        return _mute(rules, user_id, missing)
    return []


def _mute(rules: GroupRules, user_id: int, missing: tuple[ChannelLink, ...]) -> list[Action]:
    """Mute, and tell them why (when to tell is the notice service's to decide)."""
    channel_ids = tuple(link.channel.id for link in missing)
    channels = tuple(link.channel for link in missing)
    return [
        Mute(rules.group_id, user_id, channel_ids),
        SendNotice(rules.group_id, user_id, channels),
    ]
