"""The group's language and each person's own: what members and admins read, in their words."""

from __future__ import annotations

import re

from gatekeeper.domain.mentions import FSI, PDI
from gatekeeper.sim.stage import Stage
from tests.scenarios.helpers import guarded, last_reply, notices_for, protect, say

LATIN = re.compile(r"[A-Za-z@_]+")


def _outside_isolates(text: str) -> str:
    """The text with every isolated run (FSI ... PDI) taken out."""
    return re.sub(f"{FSI}[^{FSI}{PDI}]*{PDI}", "", text)


async def test_a_russian_speaking_admin_protects_and_the_group_hears_russian(
    stage: Stage,
) -> None:
    stage.carol.state.lang_code = "ru"
    reply = await guarded(stage)
    assert reply.startswith("🛡 Защита включена. Участники должны подписаться на: @news")

    await say(stage, stage.alice, stage.group, "привет всем")

    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert "этот чат для подписчиков" in notice.text and "Я подписался" in notice.text
    labels = [button.text for row in notice.buttons for button in row]
    assert labels == [f"Подписаться на {FSI}News{PDI}", "✅ Я подписался"]
    await say(stage, stage.carol, stage.group, "/status")
    status = last_reply(stage.group, stage.bot)
    assert status.startswith("🛡 Защита: включена") and "@news: ✅ в порядке" in status


async def test_the_group_keeps_its_language_when_another_admin_protects(stage: Stage) -> None:
    stage.carol.state.lang_code = "es"
    dave = stage.user("Dave", "dave", lang_code="en")
    dave.join(stage.group)
    stage.group.promote(dave, by=stage.carol, ban_users=True)
    await guarded(stage)

    again = await protect(stage, stage.news, by=dave)

    assert "(ya vinculado)" in again, "the group's language, not the second admin's"


async def test_settings_language_ar_gives_an_arabic_notice_that_reads_right(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings language ar")
    assert last_reply(stage.group, stage.bot).startswith("تم الحفظ.")

    await say(stage, stage.alice, stage.group, "hello")

    (notice,) = notices_for(stage.group, stage.bot, stage.alice)
    assert "هذه الدردشة لمشتركي" in notice.text
    assert f"{FSI}Alice{PDI}" in notice.text and f"{FSI}@news{PDI}" in notice.text
    # Every left-to-right run (a name, an @username) sits in its own isolate, so the
    # right-to-left sentence around it keeps its order.
    assert LATIN.findall(_outside_isolates(notice.text)) == []
    assert notice.text.count(FSI) == notice.text.count(PDI)
    labels = [button.text for row in notice.buttons for button in row]
    assert labels == [f"انضم إلى {FSI}News{PDI}", "✅ انضممتُ"]


async def test_an_arabic_status_isolates_each_username(stage: Stage) -> None:
    await guarded(stage)
    await say(stage, stage.carol, stage.group, "/settings language ar")

    await say(stage, stage.carol, stage.group, "/status")

    status = last_reply(stage.group, stage.bot)
    assert status.startswith("🛡 الحماية: مفعّلة")
    assert f"• {FSI}@news{PDI}: ✅ سليمة" in status


async def test_a_press_is_answered_in_the_pressers_own_language(stage: Stage) -> None:
    stage.carol.state.lang_code = "ru"
    stage.alice.state.lang_code = "es-419"
    await guarded(stage)
    await say(stage, stage.alice, stage.group, "hola")
    (notice,) = notices_for(stage.group, stage.bot, stage.alice)

    query = await stage.alice.press(notice)

    assert query.answer_text is not None
    assert query.answer_text.startswith("Todavía no: únete a @news")
    assert "Подпишитесь" in notice.text, "the notice itself is in the group's language"


async def test_private_help_follows_the_users_own_language(stage: Stage) -> None:
    stage.alice.state.lang_code = "pt-br"
    stage.bob.state.lang_code = "fa"
    await stage.start()

    stage.alice.start_private(stage.bot, "/start")
    stage.bob.start_private(stage.bot, "what is this?")
    await stage.settle()

    (help_text,) = (m.text for m in stage.alice.private_messages_from(stage.bot))
    (hint,) = (m.text for m in stage.bob.private_messages_from(stage.bot))
    assert "Me configure em quatro passos" in help_text and "/protect @channel" in help_text
    assert hint == "من در گروه‌ها کار می‌کنم. برای دیدن روش راه‌اندازی، /help را بفرستید."


async def test_a_language_it_does_not_speak_is_refused_with_the_ones_it_does(
    stage: Stage,
) -> None:
    await guarded(stage)

    await say(stage, stage.carol, stage.group, "/settings language klingon")

    answer = last_reply(stage.group, stage.bot)
    assert "language must be one of en, ru, es, pt_BR, id, hi, fa, ar" in answer
    await say(stage, stage.carol, stage.group, "/status")
    assert last_reply(stage.group, stage.bot).startswith("🛡 Protection: on")


async def test_unprotect_counts_the_released_in_russian(stage: Stage) -> None:
    stage.carol.state.lang_code = "ru"
    members = [stage.user(f"Member {i}") for i in range(5)]
    await guarded(stage, members)
    for member in members:
        await say(stage, member, stage.group, "hi")
    assert not any(stage.group.can_write(member) for member in members)

    await say(stage, stage.carol, stage.group, "/unprotect")

    assert last_reply(stage.group, stage.bot) == (
        "Защита выключена. Снимаю ограничения, которые я наложил: 5 участников."
    )


async def test_the_command_menu_is_in_each_language(stage: Stage) -> None:
    await stage.start()

    menus = stage.bot.state.commands_by_language
    assert set(menus) == {"ru", "es", "pt", "id", "hi", "fa", "ar"}
    assert ("status", "Protection, channel health, muted members") in stage.bot.state.commands
    assert ("status", "Защита, состояние каналов, ограниченные участники") in menus["ru"]
    assert [name for name, _ in menus["ar"]] == [name for name, _ in stage.bot.state.commands]


async def test_a_member_whose_name_shows_nothing_is_greeted_in_the_groups_language(
    stage: Stage,
) -> None:
    stage.carol.state.lang_code = "ru"
    blank = stage.user("\u200f\u202e ")
    await guarded(stage, [blank])

    await say(stage, blank, stage.group, "...")

    (notice,) = notices_for(stage.group, stage.bot, blank)
    assert notice.text.startswith(f"{FSI}Здравствуйте{PDI}, этот чат для подписчиков")
