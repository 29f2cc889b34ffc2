"""Admins configure the bot with commands in the group; everyone else is politely refused."""

from __future__ import annotations

from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import last_reply, notices_for, protect, say


async def ready(stage: Stage) -> None:
    stage.make_admin(stage.group)
    stage.make_admin(stage.news)
    stage.alice.join(stage.group)
    stage.bob.join(stage.group)
    await stage.start()


async def test_protect_validates_every_channel_and_says_how_to_fix_failures(stage: Stage) -> None:
    stranger = stage.sim.create_channel("Stranger", owner=stage.carol, username="stranger")
    await ready(stage)

    reply = await protect(stage, stage.news, stranger)
    await say(stage, stage.carol, stage.group, "/protect @news @nosuchchannel")
    second = last_reply(stage.group, stage.bot)

    assert "✅ @news" in reply
    assert "Stranger" in reply and "admin" in reply, "the bot is not admin in @stranger"
    assert "already linked" in second and "nosuchchannel" in second
    await say(stage, stage.carol, stage.group, "/status")
    status = last_reply(stage.group, stage.bot)
    assert "@news: ✅ healthy" in status and "stranger" not in status


async def test_protect_refuses_when_the_bot_lacks_rights_in_the_group(stage: Stage) -> None:
    stage.group.promote(stage.bot, by=stage.carol, invite_users=True)  # no ban, no delete
    stage.make_admin(stage.news)
    await stage.start()

    reply = await protect(stage, stage.news)

    assert "ban users" in reply and "delete" in reply
    assert "Protection is on" not in reply


async def test_a_member_is_refused_and_the_refusal_deletes_itself(stage: Stage) -> None:
    await ready(stage)

    command = await say(stage, stage.alice, stage.group, "/protect @news")
    refusal = last_reply(stage.group, stage.bot)
    assert "Only this group's admins" in refusal

    await stage.pass_time(20)
    assert stage.group.message(command.id) is None
    assert all("Only this group's admins" not in m.text for m in stage.group.messages())
    await say(stage, stage.carol, stage.group, "/status")
    assert "Protection is off" in last_reply(stage.group, stage.bot)


async def test_an_anonymous_admin_can_configure(stage: Stage) -> None:
    await ready(stage)

    stage.carol.send_anonymously(stage.group, "/protect @news")
    await stage.settle()

    assert "Protection is on" in last_reply(stage.group, stage.bot)


async def test_commands_for_another_bot_are_ignored(stage: Stage) -> None:
    await ready(stage)
    before = len(stage.group.messages())

    await say(stage, stage.carol, stage.group, "/status@some_other_bot")

    assert len(stage.group.messages()) == before + 1, "no reply"


async def test_settings_show_change_and_reject_nonsense(stage: Stage) -> None:
    await ready(stage)

    await say(stage, stage.carol, stage.group, "/settings")
    shown = last_reply(stage.group, stage.bot)
    await say(stage, stage.carol, stage.group, "/settings notice 5m")
    changed = last_reply(stage.group, stage.bot)
    await say(stage, stage.carol, stage.group, "/settings notice forever")
    refused = last_reply(stage.group, stage.bot)

    assert "delete the message and mute" in shown and "120s" in shown
    assert "Saved" in changed and "300s" in changed
    assert "notice takes a duration" in refused


async def test_notices_disappear_after_their_lifetime(stage: Stage) -> None:
    await ready(stage)
    await protect(stage, stage.news)
    await say(stage, stage.carol, stage.group, "/settings notice 30")

    await say(stage, stage.alice, stage.group, "hi")
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1
    await stage.pass_time(31)

    assert notices_for(stage.group, stage.bot, stage.alice) == []
    assert not stage.group.can_write(stage.alice), "the mute outlives the notice"


async def test_unprotect_releases_everyone_the_bot_muted_but_not_admin_mutes(
    stage: Stage,
) -> None:
    await ready(stage)
    await protect(stage, stage.news)
    await say(stage, stage.alice, stage.group, "hi")
    stage.carol.restrict(stage.group, stage.bob, send_messages=True)
    await stage.settle()

    await say(stage, stage.carol, stage.group, "/unprotect")

    assert "Releasing the 1 member" in last_reply(stage.group, stage.bot)
    assert stage.group.can_write(stage.alice)
    assert not stage.group.can_write(stage.bob)
    await say(stage, stage.alice, stage.group, "free at last")
    assert stage.group.can_write(stage.alice)


async def test_unlink_drops_a_requirement_and_frees_those_muted_only_for_it(stage: Stage) -> None:
    talks = stage.sim.create_channel("Talks", owner=stage.carol, username="talks")
    stage.make_admin(talks)
    stage.alice.join(talks)
    await ready(stage)
    await say(stage, stage.carol, stage.group, "/protect @news @talks")
    await say(stage, stage.alice, stage.group, "hi")
    assert not stage.group.can_write(stage.alice)

    await say(stage, stage.carol, stage.group, "/unlink @news")

    assert "Unlinked @news" in last_reply(stage.group, stage.bot)
    assert stage.group.can_write(stage.alice)
    await say(stage, stage.carol, stage.group, "/status")
    status = last_reply(stage.group, stage.bot)
    assert "@talks" in status and "@news" not in status


async def test_status_warns_when_the_bot_lost_its_rights_in_the_group(stage: Stage) -> None:
    await ready(stage)
    await protect(stage, stage.news)

    stage.group.demote(stage.bot, by=stage.carol)
    stage.group.promote(stage.bot, by=stage.carol, invite_users=True)
    await stage.settle()
    await say(stage, stage.carol, stage.group, "/status")

    assert "I need the rights to ban users and delete messages" in last_reply(
        stage.group, stage.bot
    )


async def test_an_admin_without_the_ban_right_is_refused(stage: Stage) -> None:
    dave = stage.user("Dave")
    dave.join(stage.group)
    stage.group.promote(dave, by=stage.carol, delete_messages=True)
    await ready(stage)

    await say(stage, dave, stage.group, "/protect @news")

    assert "Only this group's admins" in last_reply(stage.group, stage.bot)


async def test_protect_takes_a_link_and_caps_the_channels_including_those_already_linked(
    stage: Stage,
) -> None:
    extra = [
        stage.sim.create_channel(f"C{i}", owner=stage.carol, username=f"chan{i}x") for i in range(5)
    ]
    for channel in extra:
        stage.make_admin(channel)
    await ready(stage)

    await say(stage, stage.carol, stage.group, "/protect https://t.me/news")
    assert "✅ @news" in last_reply(stage.group, stage.bot)
    names = " ".join(f"@{c.username}" for c in extra)
    await say(stage, stage.carol, stage.group, f"/protect {names}")

    reply = last_reply(stage.group, stage.bot)
    assert reply.count("✅") == 4 and "at most 5 channels" in reply


async def test_a_private_channel_without_the_invite_right_is_linked_with_a_warning(
    stage: Stage,
) -> None:
    secret = stage.sim.create_channel("Secret", owner=stage.carol)
    secret.promote(stage.bot, by=stage.carol, post_messages=True)  # no invite right
    await ready(stage)

    await say(stage, stage.carol, stage.group, f"/protect {secret.peer_id}")

    reply = last_reply(stage.group, stage.bot)
    assert "✅ Secret" in reply and "could not create an invite link" in reply


async def test_status_counts_the_muted_and_the_seen_subscribed(stage: Stage) -> None:
    stage.bob.join(stage.news)
    await ready(stage)
    await protect(stage, stage.news)
    await say(stage, stage.alice, stage.group, "not subscribed")
    await say(stage, stage.bob, stage.group, "subscribed")

    await say(stage, stage.carol, stage.group, "/status")

    status = last_reply(stage.group, stage.bot)
    assert "Muted by me: 1" in status and "Seen subscribed since I last started: 1" in status


async def test_one_notice_per_member_a_minute_however_often_they_trip_the_gate(
    stage: Stage,
) -> None:
    stage.alice.join(stage.news)
    await ready(stage)
    await protect(stage, stage.news)

    for _ in range(3):
        stage.alice.leave(stage.news)
        await stage.settle()
        stage.alice.join(stage.news)
        await stage.settle()
    stage.alice.leave(stage.news)
    await stage.settle()

    assert not stage.group.can_write(stage.alice)
    assert notices_for(stage.group, stage.bot, stage.alice) == [], "not again within the minute"
    await stage.pass_time(60)
    assert len(notices_for(stage.group, stage.bot, stage.alice)) == 1, "but told in the end"
