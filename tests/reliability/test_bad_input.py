"""Bad input, tried by machine and by hand, against the real bot on the simulated Telegram.

Whatever an admin types after a command, whatever bytes a button press carries, whatever a
member is called: the bot answers clearly, nothing fails, and nothing changes that should not
(checked on the simulated world and on every row of the database).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from structlog.testing import capture_logs

from gatekeeper.domain.commands import CommandError
from gatekeeper.domain.model import GroupSettings
from gatekeeper.domain.setting_commands import apply_setting
from gatekeeper.sim.stage import Stage
from tests import snapshots
from tests.scenarios.helpers import guarded, notices_for, say

STORIES = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # seeded: the same inputs on every run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
tricky_char = st.one_of(
    st.characters(blacklist_categories=["Cs"]),
    st.sampled_from("\u200b\u200e\u200f\u202e\ufeffשלום مرحبا@/+-_:.t.me0123456789*`[]()"),
)
garbage = st.text(tricky_char, min_size=1, max_size=400).filter(
    lambda text: "news" not in text.lower() and text.strip() != ""
)


@contextmanager
def no_failures() -> Iterator[list[MutableMapping[str, Any]]]:
    """Collects the bot's log lines; on exit, none may be an error (a handler failing)."""
    with capture_logs() as lines:
        yield lines
    errors = [line for line in lines if line.get("log_level") in ("error", "critical")]
    assert errors == [], errors


def _replies_to(stage: Stage, message_id: int) -> list[str]:
    return [
        m.text
        for m in stage.group.messages()
        if m.sender_user_id == stage.bot.id and m.reply_to == message_id
    ]


async def _ready(stage: Stage) -> None:
    """Started once per test (hypothesis runs every example on the same stage)."""
    if stage.app is None:
        stage.make_admin(stage.group)
        stage.make_admin(stage.news)
        stage.alice.join(stage.group)
        await stage.start()
        await say(stage, stage.carol, stage.group, "/protect @nosuchchannel")  # group recorded


@STORIES
@given(command=st.sampled_from(["/protect", "/unlink", "/settings", "/status"]), args=garbage)
@example(command="/protect", args="@x " * 1300)
@example(command="/protect", args=" ".join(f"@chan{i}x" for i in range(40)))
@example(command="/protect", args="t.me/c/² -1234567 99999999999999999999 @a t.me/+")
@example(command="/settings", args="notice ٥٥٥٥٥٥h")
async def test_any_arguments_an_admin_types_get_an_answer_and_change_nothing(
    stage: Stage, command: str, args: str
) -> None:
    await _ready(stage)
    words = tuple(args.split())
    if command == "/settings":
        try:
            apply_setting(GroupSettings(), words)
            return  # a valid setting: a change is expected (tested elsewhere)
        except CommandError:
            pass
    stage.clock.advance(15)  # an admin typing, not a flood
    world, rows = snapshots.world(stage), await snapshots.database(stage)

    with no_failures():
        typed = await say(stage, stage.carol, stage.group, f"{command} {args}")

    (reply,) = _replies_to(stage, typed.id)
    assert reply.strip()
    assert await snapshots.database(stage) == rows
    assert snapshots.world(stage).standings == world.standings


@pytest.mark.parametrize(
    ("how", "word"),
    [
        ("a person instead of a channel", "@alice"),
        ("a channel the bot is not in", "@stranger"),
        ("this very group", "{group}"),
        ("a link to a post of a chat the bot cannot see", "https://t.me/c/4242424242/7"),
        ("an invite link", "https://t.me/+AbCdEf123"),
        ("a private channel the bot is not admin of, by id", "{talks}"),
        ("another group the bot guards, by id", "{tea}"),
    ],
)
async def test_what_is_not_a_channel_it_can_guard_is_refused_clearly(
    stage: Stage, how: str, word: str
) -> None:
    stage.sim.create_channel("Stranger", owner=stage.carol, username="stranger")
    talks = stage.sim.create_channel("Talks", owner=stage.carol)  # private, bot not admin
    tea = stage.sim.create_supergroup("Tea chat", owner=stage.carol)
    stage.make_admin(tea)
    await _ready(stage)
    text = word.format(group=stage.group.peer_id, talks=talks.peer_id, tea=tea.peer_id)
    rows = await snapshots.database(stage)

    with no_failures():
        typed = await say(stage, stage.carol, stage.group, f"/protect {text}")

    (reply,) = _replies_to(stage, typed.id)
    assert "❌" in reply, how
    assert await snapshots.database(stage) == rows


async def test_a_channel_name_pasted_from_right_to_left_text_is_understood(stage: Stage) -> None:
    await _ready(stage)

    with no_failures():
        await say(stage, stage.carol, stage.group, "/protect \u200f@news\u200e\u200b")
    await say(stage, stage.alice, stage.group, "hi")

    assert not stage.group.can_write(stage.alice), "@news is required"


async def test_our_own_name_after_a_command_is_obeyed(stage: Stage) -> None:
    await _ready(stage)

    typed = await say(stage, stage.carol, stage.group, "/status@gatekeeper_bot")

    assert _replies_to(stage, typed.id)


async def _alice_muted(stage: Stage) -> None:
    await guarded(stage, [stage.alice, stage.bob])
    await say(stage, stage.alice, stage.group, "hi")
    assert not stage.group.can_write(stage.alice)


@STORIES
@given(data=st.binary(max_size=64))
@example(data=b"")
@example(data=b"gk1:v:" + b"9" * 58)
@example(data=b"gk1:v:0")
@example(data=b"\xff" * 64)
async def test_any_bytes_a_button_carries_are_answered_and_change_nothing(
    stage: Stage, data: bytes
) -> None:
    if stage.app is None:
        await _alice_muted(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    stage.clock.advance(7)  # past the per-member pace between presses
    world, rows = snapshots.world(stage), await snapshots.database(stage)

    with no_failures():
        query = await stage.alice.press(notice, data)
        await stage.settle()

    assert query.answered and query.answer_text
    assert snapshots.world(stage) == world and await snapshots.database(stage) == rows


async def test_a_notice_pressed_after_release_is_answered_and_changes_nothing(
    stage: Stage,
) -> None:
    await _alice_muted(stage)
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    stage.sim.faults.error("DeleteMessagesRequest", 403, "MESSAGE_DELETE_FORBIDDEN", times=5)
    stage.alice.join(stage.news)
    await stage.settle()
    assert stage.group.can_write(stage.alice)
    assert stage.group.message(notice.id) is not None, "the stale notice stayed"
    world, rows = snapshots.world(stage), await snapshots.database(stage)

    with no_failures():
        hers = await stage.alice.press(notice)
        bobs = await stage.bob.press(notice)
        await stage.settle()

    assert hers.answered and bobs.answered
    assert snapshots.world(stage) == world and await snapshots.database(stage) == rows


async def test_a_notice_pressed_after_unprotect_frees_only_the_presser(stage: Stage) -> None:
    await _alice_muted(stage)
    await say(stage, stage.bob, stage.group, "me too")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    stage.sim.faults.error("EditBannedRequest", 400, "SOMETHING_UNEXPECTED", times=2)

    await say(stage, stage.carol, stage.group, "/unprotect")
    assert not stage.group.can_write(stage.alice), "her release is still to come"
    with no_failures():
        query = await stage.alice.press(notice)
        await stage.settle()

    assert query.answered
    assert stage.group.can_write(stage.alice)
    await say(stage, stage.alice, stage.group, "free")
    assert stage.group.can_write(stage.alice), "not muted again: the group is unprotected"


names = st.text(tricky_char, min_size=1, max_size=64).filter(lambda name: name.strip() != "")


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names)
@example(name="[evil](https://example.com)")
@example(name="**bold** `code` __it__ ~~x~~ ||spoiler||")
@example(name="\u202eesrever\u202c and \u200b")
async def test_whatever_a_member_is_called_the_notice_names_them(stage: Stage, name: str) -> None:
    if stage.app is None:
        await guarded(stage, [])
    member = stage.sim.create_user(name)

    with no_failures():
        member.join(stage.group)  # checked at once on arrival, and told
        await stage.settle()

    assert not stage.group.can_write(member)
    assert len(notices_for(stage.group, stage.bot, member)) == 1
