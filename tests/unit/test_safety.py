"""Who may be muted, whose mute the bot may lift, and when an admin took a mute over."""

from __future__ import annotations

import pytest

from gatekeeper.domain.model import BannedRights
from gatekeeper.domain.rights import MUTE_FLAGS, current
from gatekeeper.domain.safety import MuteCall, judge_mute, may_configure, may_lift, taken_over
from gatekeeper.domain.standing import NOT_MEMBER, Standing

BOT, ALICE, CAROL = 500, 1001, 7
NOW = 1_800_000_000.0
MUTED_BY = BannedRights(frozenset(MUTE_FLAGS))


@pytest.mark.parametrize(
    ("standing", "expected"),
    [
        (Standing(True), MuteCall.MUTE),
        (Standing(True, is_admin=True), MuteCall.SPARE_ADMIN),
        (Standing(True, is_admin=True, is_bot=True), MuteCall.SPARE_ADMIN),
        (Standing(True, is_bot=True), MuteCall.SPARE_BOT),
        (NOT_MEMBER, MuteCall.GONE),
        (Standing(True, rights=MUTED_BY, restricted_by=CAROL), MuteCall.NOT_OURS),
        (Standing(True, rights=BannedRights(frozenset({"send_media"}))), MuteCall.MUTE),
        # A mute by an admin that ends within Telegram's margin is as good as over.
        (Standing(True, rights=BannedRights(MUTE_FLAGS, until=int(NOW) + 10)), MuteCall.MUTE),
        (
            Standing(True, rights=BannedRights(MUTE_FLAGS, until=int(NOW) + 3600)),
            MuteCall.NOT_OURS,
        ),
    ],
    ids=[
        "a member",
        "an admin",
        "an admin bot",
        "a bot",
        "someone who left",
        "muted by an admin",
        "restricted from media only",
        "an admin's mute about to end",
        "an admin's mute for an hour",
    ],
)
def test_who_may_be_muted(standing: Standing, expected: MuteCall) -> None:
    assert judge_mute(standing, NOW) is expected


@pytest.mark.parametrize(
    ("standing", "expected"),
    [
        (NOT_MEMBER, MuteCall.MUTE),
        (Standing(False, rights=BannedRights(frozenset({"view_messages"}))), MuteCall.GONE),
        (Standing(False, is_admin=True), MuteCall.SPARE_ADMIN),
    ],
    ids=["a commenter who is not a member", "someone banned outright", "an admin"],
)
def test_in_a_discussion_group_a_mute_binds_non_members_too(
    standing: Standing, expected: MuteCall
) -> None:
    assert judge_mute(standing, NOW, discussion_group=True) is expected


def test_only_admins_and_bots_keep_their_message() -> None:
    assert {call for call in MuteCall if call.spared} == {MuteCall.SPARE_ADMIN, MuteCall.SPARE_BOT}


@pytest.mark.parametrize(
    ("standing", "ours"),
    [
        (Standing(True, rights=MUTED_BY, restricted_by=BOT), True),
        (Standing(True, rights=MUTED_BY, restricted_by=CAROL), False),
        (Standing(True), False),  # lifted by hand already
        (
            Standing(False, rights=BannedRights(frozenset({"view_messages"})), restricted_by=BOT),
            False,
        ),
    ],
    ids=["still the bot's", "re-muted by an admin", "lifted by hand", "banned outright"],
)
def test_the_bot_lifts_only_its_own_mutes(standing: Standing, ours: bool) -> None:
    assert may_lift(standing, BOT) is ours


@pytest.mark.parametrize(
    ("actor", "after", "rights_touched", "expected"),
    [
        (CAROL, Standing(True, is_admin=True), False, True),
        (CAROL, Standing(True), True, True),
        (CAROL, Standing(True, rights=MUTED_BY, restricted_by=CAROL), True, True),
        (CAROL, Standing(True, rights=MUTED_BY, restricted_by=BOT), True, False),
        (CAROL, Standing(True), False, False),
        (BOT, Standing(True), True, False),
        (ALICE, NOT_MEMBER, True, False),
    ],
    ids=[
        "an admin promoted them",
        "an admin lifted the mute",
        "an admin re-muted them",
        "an admin touched something else",
        "an admin changed nothing about rights",
        "the bot itself",
        "the member left",
    ],
)
def test_an_admin_took_over_the_mute(
    actor: int, after: Standing, rights_touched: bool, expected: bool
) -> None:
    found = taken_over(
        actor_id=actor, user_id=ALICE, bot_id=BOT, after=after, rights_touched=rights_touched
    )
    assert found is expected


def test_rights_about_to_expire_are_restored_as_none() -> None:
    soon = BannedRights(frozenset({"send_media"}), until=int(NOW) + 29)
    later = BannedRights(frozenset({"send_media"}), until=int(NOW) + 31)
    assert current(soon, NOW) == BannedRights()
    assert current(later, NOW) == later


@pytest.mark.parametrize(
    ("standing", "allowed"),
    [
        (Standing(True, is_admin=True, can_ban=True), True),
        (Standing(True, is_admin=True, can_delete=True), False),
        (Standing(True), False),
        (NOT_MEMBER, False),
    ],
    ids=["an admin who may ban", "an admin who may only delete", "a member", "a stranger"],
)
def test_who_may_configure_the_bot(standing: Standing, allowed: bool) -> None:
    assert may_configure(standing) is allowed
