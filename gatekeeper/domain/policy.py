"""Every rule of the product, as pure functions from facts to actions."""

from __future__ import annotations

from collections.abc import Mapping

from gatekeeper.domain.actions import (
    Action,
    DeleteMessage,
    Mute,
    Release,
    SendNotice,
    StartGrace,
    Warn,
)
from gatekeeper.domain.events import MemberJoined, MessagePosted, SenderKind
from gatekeeper.domain.model import (
    ChannelLink,
    ChatId,
    GraceMode,
    GroupRules,
    MemberNote,
    OnLeave,
    OnViolation,
    Require,
    Restriction,
    Verdict,
)

Verdicts = Mapping[ChatId, Verdict]


def accepts_pending(rules: GroupRules, link: ChannelLink) -> bool:
    """`/settings pending accept`: a request to join a private channel that approves members
    counts as joined (the member did all they can)."""
    return rules.settings.pending_accept and link.channel.username is None


def _accepted(rules: GroupRules, channel_id: ChatId, verdict: Verdict | None) -> bool:
    link = rules.link(channel_id)
    return verdict is Verdict.PENDING and link is not None and accepts_pending(rules, link)


def lacks(rules: GroupRules, link: ChannelLink, verdict: Verdict | None) -> bool:
    """The member is known not to have joined the channel (a pending request to join it, unless
    the group accepts that)."""
    if verdict is Verdict.PENDING:
        return not accepts_pending(rules, link)
    return verdict is Verdict.NOT_MEMBER


def joined(rules: GroupRules, link: ChannelLink, verdict: Verdict | None) -> bool:
    """The member is known to have joined the channel (or asked to, if the group accepts it)."""
    return verdict is Verdict.MEMBER or _accepted(rules, link.channel.id, verdict)


def missing_links(rules: GroupRules, verdicts: Verdicts) -> tuple[ChannelLink, ...]:
    """The healthy links the member is known not to have joined.

    A channel the bot cannot check (unhealthy link, UNKNOWN verdict) never counts against a
    member: fail-safe on rights. Under "any", they are all missing or none is: one channel
    joined (or one the bot cannot check, which may be the one they joined) is enough.
    """
    missing = tuple(
        link
        for link in rules.links
        if link.healthy and lacks(rules, link, verdicts.get(link.channel.id))
    )
    if rules.settings.require is Require.ANY and len(missing) < len(rules.links):
        return ()
    return missing


def joined_meanwhile(
    rules: GroupRules | None, missing: tuple[ChatId, ...], verdicts: Verdicts
) -> bool:
    """Whether a member found missing `missing` has since joined enough of them."""
    joined = [
        verdicts.get(channel_id) is Verdict.MEMBER
        or (rules is not None and _accepted(rules, channel_id, verdicts.get(channel_id)))
        for channel_id in missing
    ]
    if not joined:
        return False
    return any(joined) if rules and rules.settings.require is Require.ANY else all(joined)


def due_for_removal(rules: GroupRules | None, restriction: Restriction, now: float) -> bool:
    """A member the bot has kept muted for the group's `kick` time is removed (may come back);
    never while the group is in observe mode."""
    if rules is None or not rules.enforced or rules.observing or rules.settings.kick_after is None:
        return False
    return now - restriction.imposed_at >= rules.settings.kick_after


def needs_check(rules: GroupRules) -> tuple[ChatId, ...]:
    """The channels whose verdicts the policy needs for a member of this group."""
    return tuple(link.channel.id for link in rules.links if link.healthy)


def is_exempt(message: MessagePosted, rules: GroupRules) -> bool:
    sender = message.sender
    if message.is_service or sender.is_admin or sender.is_bot:
        return True
    if sender.kind in (SenderKind.SELF, SenderKind.GROUP, SenderKind.LINKED_CHANNEL):
        return True
    if sender.kind is not SenderKind.OTHER_CHANNEL:
        return False
    # Only a channel's admins can post "as" it: as the linked channel or a required one.
    return sender.peer_id == rules.linked_channel_id or sender.peer_id in rules.channel_ids


def allowed(note: MemberNote | None) -> bool:
    """An admin exempted this member in this group (/allow)."""
    return note is not None and note.exempt


def in_grace(note: MemberNote | None, now: float | None) -> bool:
    """A newcomer still within their grace period (not muted yet)."""
    return (
        now is not None
        and note is not None
        and note.grace_until is not None
        and now < note.grace_until
    )


def grace_ended(rules: GroupRules | None, note: MemberNote, since: float, now: float) -> bool:
    """A grace that ran out in (since, now] and, strict, means a look at the member now."""
    if rules is None or not rules.enforced or rules.settings.grace_mode is not GraceMode.STRICT:
        return False
    return note.grace_until is not None and since < note.grace_until <= now


def acts_on_leave(rules: GroupRules) -> bool:
    """Whether leaving a required channel is acted on at once (else at the next message)."""
    return rules.settings.on_leave is OnLeave.NOW


def check_later(rules: GroupRules, *, joined: bool) -> bool:
    """Whether a member whose check Telegram made wait (as they wrote or joined) is re-checked
    once it may. Not a newcomer where newcomers get a grace period: a re-check knows nothing
    of the joining and would skip the grace; they meet the gate when they write."""
    return not joined or rules.settings.grace is None


def on_message(
    message: MessagePosted,
    rules: GroupRules,
    verdicts: Verdicts,
    note: MemberNote | None = None,
    now: float | None = None,
) -> list[Action]:
    """A message appeared in a group: keep it, or take it down and mute its author.

    `note`: what the bot keeps about the author (warnings so far, an admin's exception, a
    newcomer's grace, which lasts while `now` is before its end)."""
    if not rules.enforced or is_exempt(message, rules) or allowed(note):
        return []
    if message.sender.kind is SenderKind.OTHER_CHANNEL:
        # A post "as" a foreign channel cannot be tied to a subscriber: it is removed.
        return [DeleteMessage(rules.group_id, message.message_id)]
    missing = missing_links(rules, verdicts)
    if not missing or in_grace(note, now):
        return []
    user_id = message.sender.peer_id
    actions = _mute(rules, user_id, missing, note, message_id=message.message_id)
    if rules.settings.on_violation is not OnViolation.MUTE or isinstance(actions[0], Warn):
        actions.insert(1, DeleteMessage(rules.group_id, message.message_id, user_id))
    return actions


def on_join(
    joined: MemberJoined,
    rules: GroupRules,
    verdicts: Verdicts,
    note: MemberNote | None = None,
    now: float | None = None,
) -> list[Action]:
    """Someone became a member: mute them at once if they lack a channel (only tell them
    under delete-only, warnings first, or a grace period, granted once). Nothing is deleted."""
    if not rules.enforced or joined.is_admin or joined.is_bot or allowed(note):
        return []
    missing = missing_links(rules, verdicts)
    if not missing:
        return []
    grace = rules.settings.grace
    if grace is not None and now is not None and (note is None or note.grace_until is None):
        group_id, user_id = rules.group_id, joined.user_id
        return [
            StartGrace(group_id, user_id, now + grace),
            *_mute(rules, user_id, missing, note, tell_only=True),
        ]
    if in_grace(note, now):
        return []  # joined again within their grace: told already
    return _mute(rules, joined.user_id, missing, note)


def on_recheck(
    rules: GroupRules,
    user_id: int,
    verdicts: Verdicts,
    *,
    muted_by_bot: bool,
    note: MemberNote | None = None,
    now: float | None = None,
) -> list[Action]:
    """A member's subscriptions changed (or they asked to be checked): mute or release.

    An admin's exception releases at once."""
    missing = missing_links(rules, verdicts) if rules.enforced and not allowed(note) else ()
    if muted_by_bot:
        return [] if missing else [Release(rules.group_id, user_id)]
    if missing and not in_grace(note, now):
        return _mute(rules, user_id, missing, note)
    return []


def _mute(
    rules: GroupRules,
    user_id: int,
    missing: tuple[ChannelLink, ...],
    note: MemberNote | None,
    *,
    message_id: int = 0,
    tell_only: bool = False,
) -> list[Action]:
    """Mute (or, delete-only or while warnings last, only warn), and tell them why (when to
    tell is the notice service's to decide). `message_id`: the offending message, if any."""
    channel_ids = tuple(link.channel.id for link in missing)
    channels = tuple(link.channel for link in missing)
    any_of = rules.settings.require is Require.ANY
    delete_only = rules.settings.on_violation is OnViolation.DELETE
    strike = bool(message_id) and not delete_only
    first: Action = (
        Warn(rules.group_id, user_id, channel_ids, strike, message_id if strike else 0)
        if tell_only or delete_only or (note.strikes if note else 0) < rules.settings.warn_first
        else Mute(rules.group_id, user_id, channel_ids)
    )
    return [first, SendNotice(rules.group_id, user_id, channels, any_of)]
