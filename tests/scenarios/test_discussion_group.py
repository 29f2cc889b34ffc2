"""A channel's discussion group: people who are not members comment on posts, and are told."""

from __future__ import annotations

import pytest

from gatekeeper.sim import Role, SimMessage, SimRefused, SimUser
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, notices_for, protect, say


async def discussion(stage: Stage) -> None:
    stage.news.link_discussion(stage.group)
    await guarded(stage, members=())


async def test_a_commenter_who_is_not_a_member_is_muted_and_told_under_the_post(
    stage: Stage,
) -> None:
    await discussion(stage)
    guest = stage.user("Gina")
    post = stage.news.post("Big news today")
    await stage.settle()
    asked = stage.sim.requests["GetParticipantRequest"]

    comment = guest.comment(post, "first!")
    await stage.settle()

    assert not stage.group.is_member(guest)
    assert stage.group.message(comment.id) is None
    assert stage.group.role(guest) is Role.RESTRICTED_LEFT
    (notice,) = notices_for(stage.group, stage.bot, guest)
    assert "Gina" in notice.text and "@news" in notice.text
    assert notice.reply_to == comment.reply_to, "the notice is under the post, where she reads"
    assert stage.sim.requests["GetParticipantRequest"] - asked <= 2
    with pytest.raises(SimRefused) as refused:
        guest.comment(post, "second")
    assert refused.value.reason == "CHAT_WRITE_FORBIDDEN"


async def muted_commenter(stage: Stage) -> tuple[SimUser, SimMessage]:
    """Gina, no member, commented on @news's post and was muted; she and the post."""
    await discussion(stage)
    guest = stage.user("Gina")
    post = stage.news.post("Big news today")
    await stage.settle()
    guest.comment(post, "first!")
    await stage.settle()
    return guest, post


async def test_a_muted_commenter_who_subscribes_may_comment_again(stage: Stage) -> None:
    guest, post = await muted_commenter(stage)

    guest.join(stage.news)
    await stage.settle()

    assert stage.group.participant(guest) is None, "her restriction is lifted"
    kept = guest.comment(post, "thanks")
    await stage.settle()
    assert stage.group.message(kept.id) is not None
    assert notices_for(stage.group, stage.bot, guest) == []


async def test_status_says_whether_only_members_may_send(stage: Stage) -> None:
    await discussion(stage)

    await say(stage, stage.carol, stage.group, "/status")
    assert "non-members may comment" in last_reply(stage.group, stage.bot)
    stage.group.set_join_to_send(True, by=stage.carol)
    await stage.settle()
    await say(stage, stage.carol, stage.group, "/status")
    assert "only members of this group may send" in last_reply(stage.group, stage.bot)


async def test_a_post_as_a_required_channel_by_its_admin_stays(stage: Stage) -> None:
    partner = stage.sim.create_channel("Partner", owner=stage.carol, username="partner")
    stage.make_admin(partner)
    await discussion(stage)
    await protect(stage, partner)

    post = stage.carol.send_as(stage.group, partner, "a word from our partner")
    await stage.settle()

    assert stage.group.message(post.id) is not None


async def test_commenters_told_later_are_told_under_the_post_too(stage: Stage) -> None:
    await discussion(stage)
    post = stage.news.post("Big news today")
    await stage.settle()
    guests = [stage.user(f"Guest {i}") for i in range(25)]  # more than a minute's budget
    for guest in guests:
        guest.comment(post, "me too")
    await stage.settle()
    untold = [g for g in guests if not notices_for(stage.group, stage.bot, g)]
    assert untold, "the group's message budget ran out"

    await stage.pass_time(61)

    forward = next(m for m in stage.group.messages() if m.fwd_from_msg_id == post.id)
    later = [m for m in stage.group.messages() if "Guest" in m.text and m.reply_to == forward.id]
    assert all(any(f"\u2068{g.first_name}\u2069" in m.text for m in later) for g in untold)


async def test_a_muted_commenter_stays_muted_across_a_restart(stage: Stage) -> None:
    """Gina is no member: her mute is the rule of a discussion group, not a member gone."""
    guest, _ = await muted_commenter(stage)
    [notice] = notices_for(stage.group, stage.bot, guest)

    await stage.restart()  # the start's reconciliation looks at everyone on record as muted

    assert stage.group.role(guest) is Role.RESTRICTED_LEFT
    assert notices_for(stage.group, stage.bot, guest) == [notice]
