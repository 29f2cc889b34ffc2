"""The group's own notice text: kept when Telegram would take it whoever it names, refused
with what to fix otherwise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telethon.extensions import html

from gatekeeper.domain.commands import CommandError
from gatekeeper.domain.limits import MESSAGE_MAX, length
from gatekeeper.domain.notice_text import check_notice_text, fill, notice_text_argument


@pytest.mark.parametrize(
    "text",
    [
        "{name}, join {channels} to talk in {group}.",
        "<b>{name}</b>: <i>subscribe</i> to {channels} first &amp; come back",
        '{name}, read <a href="https://t.me/news/1">the rules</a>.\nThen join {channels}.',
        "{name} {{literally braces}} <tg-spoiler>secret</tg-spoiler>",
        '{name}: <span class="tg-spoiler">x</span> <blockquote expandable>y</blockquote>',
        "  {name}, привет! Подпишитесь на {channels}  ",
    ],
)
def test_a_notice_text_telegram_takes_is_kept(text: str) -> None:
    assert check_notice_text(text) == text.strip()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("join {channels}", "name the member"),
        ("{name}, join {channel}", "{channel} is not a placeholder"),
        ("{name}, join {0}", "{0} is not a placeholder"),
        ("{name!r} join", "not a placeholder"),
        ("{name:>10} join", "not a placeholder"),
        ("{name}, join {channels", "brace"),
        ("{name} <script>alert(1)</script>", "does not know the tag <script>"),
        ("{name} <b>bold", "<b> is never closed"),
        ("{name} <b><i>x</b></i>", "</b> closes a tag that is not open"),
        ("{name} x</b>", "</b> closes a tag"),
        ("{name} 1 < 2", "Write < as &lt;"),
        ("{name} AT&T", "Write & as &amp;"),
        ("{name} <a>link</a>", "<a> cannot take these attributes"),
        ('{name} <b style="x">y</b>', "<b> cannot take these attributes"),
        ('{name} <span class="x">y</span>', '<span class="tg-spoiler">'),
        ("{name} " + "x" * 4000, "too long"),
        ("{name}" * 7, "too long"),
    ],
)
def test_a_notice_text_telegram_would_refuse_gets_a_clear_answer(text: str, says: str) -> None:
    with pytest.raises(CommandError) as refused:
        check_notice_text(text)
    assert says in str(refused.value)


def test_too_long_says_by_how_much() -> None:
    # 3501 characters of its own and up to 678 for ten names: 83 over Telegram's 4096.
    with pytest.raises(CommandError, match=r"could reach 4179 .* Shorten it by 83"):
        check_notice_text("{name} " + "x" * 3500)
    assert check_notice_text("{name} " + "x" * 3417)


@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=200))
def test_whatever_is_kept_fills_in_within_telegram_s_limit(extra: str) -> None:
    try:
        kept = check_notice_text("{name} " + extra)
    except CommandError:
        return
    longest = "\u2068" + "n" * 64 + "\u2069"
    filled = fill(kept, name=", ".join([longest] * 10), channels="c" * 600, group="g" * 130)
    text, _ = html.parse(filled)
    assert length(text) <= MESSAGE_MAX


def test_the_text_after_the_setting_keeps_its_lines() -> None:
    typed = "/settings notice-text {name},\n  join {channels}\n\nthanks"
    assert notice_text_argument(typed) == " {name},\n  join {channels}\n\nthanks"
    assert notice_text_argument("/settings@gatekeeper_bot NOTICE-TEXT reset") == " reset"
