"""The product's rules as tables of cases: no event loop, no fixtures."""

from __future__ import annotations

import pytest

from gatekeeper.domain import policy
from gatekeeper.domain.actions import DeleteMessage, Mute, Release, SendNotice
from gatekeeper.domain.events import MemberJoined, MessagePosted, Sender, SenderKind
from gatekeeper.domain.model import (
    BannedRights,
    Channel,
    ChannelLink,
    GroupRules,
    GroupSettings,
    OnViolation,
    Verdict,
)
from gatekeeper.domain.rights import MUTE_FLAGS, is_muted, muted

GROUP = -1001000000001
NEWS = Channel(-1001000000002, "News", "news")
TALKS = Channel(-1001000000003, "Talks", None, "https://t.me/+abc")
LINKED = -1001000000009
ALICE = 1001


def rules(*links: ChannelLink, protected: bool = True, **settings: object) -> GroupRules:
    return GroupRules(
        GROUP,
        "Coffee",
        protected,
        GroupSettings(**settings),  # type: ignore[arg-type]
        links or (ChannelLink(NEWS),),
        linked_channel_id=LINKED,
    )


def post(kind: SenderKind = SenderKind.USER, peer: int = ALICE, **kw: bool) -> MessagePosted:
    is_service = kw.pop("is_service", False)
    return MessagePosted(GROUP, 42, Sender(kind, peer, **kw), is_service=is_service)


def test_a_subscriber_writes_and_nothing_happens() -> None:
    assert policy.on_message(post(), rules(), {NEWS.id: Verdict.MEMBER}) == []


def test_a_non_subscriber_writes_the_message_goes_they_are_muted_and_told() -> None:
    actions = policy.on_message(post(), rules(), {NEWS.id: Verdict.NOT_MEMBER})
    assert actions == [
        Mute(GROUP, ALICE, (NEWS.id,)),
        DeleteMessage(GROUP, 42, ALICE),
        SendNotice(GROUP, ALICE, (NEWS,)),
    ]


def test_mute_only_keeps_the_message() -> None:
    actions = policy.on_message(
        post(),
        rules(on_violation=OnViolation.MUTE),
        {NEWS.id: Verdict.NOT_MEMBER},
    )
    assert actions == [Mute(GROUP, ALICE, (NEWS.id,)), SendNotice(GROUP, ALICE, (NEWS,))]


def test_the_notice_lists_only_the_missing_channels() -> None:
    two = rules(ChannelLink(NEWS), ChannelLink(TALKS))
    actions = policy.on_message(
        post(), two, {NEWS.id: Verdict.MEMBER, TALKS.id: Verdict.NOT_MEMBER}
    )
    assert SendNotice(GROUP, ALICE, (TALKS,)) in actions
    assert Mute(GROUP, ALICE, (TALKS.id,)) in actions


@pytest.mark.parametrize(
    "message",
    [
        post(is_admin=True),
        post(SenderKind.SELF, 999),
        post(is_bot=True),
        post(SenderKind.GROUP, GROUP),
        post(SenderKind.LINKED_CHANNEL, LINKED),
        post(SenderKind.OTHER_CHANNEL, LINKED),
        post(is_service=True),
    ],
    ids=[
        "admin",
        "the bot",
        "another bot",
        "anonymous admin",
        "linked channel",
        "linked channel as",
        "service",
    ],
)
def test_exempt_senders_are_never_touched(message: MessagePosted) -> None:
    verdicts = {NEWS.id: Verdict.NOT_MEMBER}
    assert policy.on_message(message, rules(), verdicts) == []


def test_a_post_as_a_foreign_channel_is_removed_without_muting_anyone() -> None:
    message = post(SenderKind.OTHER_CHANNEL, -1009999999999)
    actions = policy.on_message(message, rules(), {})
    assert actions == [DeleteMessage(GROUP, 42)]


def test_an_unprotected_group_is_left_alone() -> None:
    verdicts = {NEWS.id: Verdict.NOT_MEMBER}
    assert policy.on_message(post(), rules(protected=False), verdicts) == []


@pytest.mark.parametrize("link", [ChannelLink(NEWS, healthy=False), ChannelLink(NEWS)])
def test_a_channel_the_bot_cannot_check_never_mutes(link: ChannelLink) -> None:
    verdict = Verdict.UNKNOWN if link.healthy else Verdict.NOT_MEMBER
    actions = policy.on_message(post(), rules(link), {NEWS.id: verdict})
    assert actions == []


def test_a_broken_link_does_not_shield_a_member_missing_a_healthy_one() -> None:
    two = rules(ChannelLink(NEWS, healthy=False), ChannelLink(TALKS))
    verdicts = {TALKS.id: Verdict.NOT_MEMBER}
    assert policy.needs_check(two) == (TALKS.id,)
    assert Mute(GROUP, ALICE, (TALKS.id,)) in policy.on_message(post(), two, verdicts)


def test_a_new_member_who_lacks_a_channel_is_muted_but_nothing_is_deleted() -> None:
    joined = MemberJoined(GROUP, ALICE)
    actions = policy.on_join(joined, rules(), {NEWS.id: Verdict.NOT_MEMBER})
    assert actions == [Mute(GROUP, ALICE, (NEWS.id,)), SendNotice(GROUP, ALICE, (NEWS,))]


@pytest.mark.parametrize(
    "joined", [MemberJoined(GROUP, 7, is_admin=True), MemberJoined(GROUP, 7, is_bot=True)]
)
def test_admins_and_bots_joining_are_not_checked(joined: MemberJoined) -> None:
    assert policy.on_join(joined, rules(), {NEWS.id: Verdict.NOT_MEMBER}) == []


@pytest.mark.parametrize(
    ("verdict", "muted_by_bot", "expected"),
    [
        (Verdict.MEMBER, True, [Release(GROUP, ALICE)]),
        (Verdict.UNKNOWN, True, [Release(GROUP, ALICE)]),
        (Verdict.NOT_MEMBER, True, []),
        (Verdict.MEMBER, False, []),
        (
            Verdict.NOT_MEMBER,
            False,
            [Mute(GROUP, ALICE, (NEWS.id,)), SendNotice(GROUP, ALICE, (NEWS,))],
        ),
    ],
)
def test_rechecking_a_member_mutes_or_releases(
    verdict: Verdict, muted_by_bot: bool, expected: list[object]
) -> None:
    actions = policy.on_recheck(rules(), ALICE, {NEWS.id: verdict}, muted_by_bot=muted_by_bot)
    assert actions == expected


def test_turning_protection_off_releases_everyone_the_bot_muted() -> None:
    off = rules(protected=False)
    verdicts = {NEWS.id: Verdict.NOT_MEMBER}
    assert policy.on_recheck(off, ALICE, verdicts, muted_by_bot=True) == [Release(GROUP, ALICE)]


def test_muting_keeps_earlier_restrictions_and_release_restores_them() -> None:
    before = BannedRights(frozenset({"send_media"}), until=None)
    after = muted(before)
    assert is_muted(after) and not is_muted(before)
    assert after.flags == before.flags | MUTE_FLAGS
    assert after.flags >= {"send_media", "send_messages"}
