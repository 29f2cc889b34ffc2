"""What admins type, read back as commands, with a clear word for mistakes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatekeeper.domain.callbacks import decode_verify, encode_verify
from gatekeeper.domain.commands import (
    ChannelRef,
    CommandError,
    parse_channel_ref,
    parse_channel_refs,
    parse_command,
)
from gatekeeper.domain.model import MAX_CHANNELS_PER_GROUP


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/protect @news", ("protect", ("@news",))),
        ("/protect@gk_bot @a @b", ("protect", ("@a", "@b"))),
        ("/STATUS", ("status", ())),
        ("  /settings action mute ", ("settings", ("action", "mute"))),
    ],
)
def test_our_commands_are_read(text: str, expected: tuple[str, tuple[str, ...]]) -> None:
    command = parse_command(text, "gk_bot")
    assert command is not None
    assert (command.name, command.args) == expected


@pytest.mark.parametrize("text", ["/protect@other_bot @news", "/ban @x", "hello /status", "/"])
def test_other_texts_and_commands_for_other_bots_are_ignored(text: str) -> None:
    assert parse_command(text, "gk_bot") is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("@News", ChannelRef("@News", username="news")),
        ("t.me/news_daily", ChannelRef("t.me/news_daily", username="news_daily")),
        ("https://t.me/news/15", ChannelRef("https://t.me/news/15", username="news")),
        ("https://t.me/+AbCd", ChannelRef("https://t.me/+AbCd", invite_hash="AbCd")),
        ("-1001234567890", ChannelRef("-1001234567890", channel_id=-1001234567890)),
        ("1234567890", ChannelRef("1234567890", channel_id=-1001234567890)),
        (
            "https://t.me/c/1234567890/5",
            ChannelRef("https://t.me/c/1234567890/5", channel_id=-1001234567890),
        ),
    ],
)
def test_channels_can_be_named_many_ways(word: str, expected: ChannelRef) -> None:
    assert parse_channel_ref(word) == expected


@pytest.mark.parametrize(
    "word", ["news", "@a", "@bad-name", "t.me/", "12", "https://example.com/x"]
)
def test_unreadable_channel_names_get_a_clear_answer(word: str) -> None:
    with pytest.raises(CommandError, match=word.split("/")[0][:3]):
        parse_channel_ref(word)


def test_duplicates_collapse_and_errors_are_collected() -> None:
    refs, errors = parse_channel_refs(("@news", "t.me/news", "nonsense", "@talks"))
    assert [r.username for r in refs] == ["news", "talks"]
    assert len(errors) == 1 and "nonsense" in str(errors[0])


def test_too_many_channels_is_refused_with_the_cap() -> None:
    words = tuple(f"@channel{i}" for i in range(MAX_CHANNELS_PER_GROUP + 1))
    with pytest.raises(CommandError, match=str(MAX_CHANNELS_PER_GROUP)):
        parse_channel_refs(words)


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_button_data_round_trips_and_fits_telegram(user_id: int) -> None:
    data = encode_verify(user_id)
    assert len(data) <= 64
    request = decode_verify(data)
    assert request is not None and request.user_id == user_id


@given(st.binary(max_size=80))
def test_any_other_button_data_is_rejected_not_crashed_on(data: bytes) -> None:
    request = decode_verify(data)
    assert request is None or data.startswith(b"gk1:v:")
