"""Whatever anyone types or presses, the parsers answer with a result or a clear error.

Property tests (hypothesis): the pure parsers of commands, channel names, settings and button
data never crash, and what they return is always well-formed.
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from gatekeeper.domain.callbacks import decode_verify, encode_verify
from gatekeeper.domain.commands import (
    COMMANDS,
    CommandError,
    parse_channel_ref,
    parse_channel_refs,
    parse_command,
)
from gatekeeper.domain.model import (
    MAX_CHANNELS_PER_GROUP,
    MAX_NOTICE_TTL,
    MIN_NOTICE_TTL,
    GroupSettings,
    OnViolation,
)
from gatekeeper.domain.setting_commands import apply_setting

BOT = "gatekeeper_bot"
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069\ufeff\u202e"
RTL = "שלום مرحبا"

# Text as people paste it: any unicode, weighted towards what trips parsers up.
tricky_char = st.one_of(
    st.characters(),
    st.sampled_from(INVISIBLE + RTL + "/@_+-:.,?#0123456789²٣\u00a0\u3000\n\t "),
)
tricky_text = st.text(tricky_char, max_size=300)
words = st.lists(st.text(tricky_char, min_size=1, max_size=60), max_size=40)
bot_names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{2,31}", fullmatch=True)
MARKED_MIN = -1_000_000_000_000 - 2**52


@given(tricky_text, st.one_of(st.none(), bot_names))
@example("/status\u200b", BOT)
@example("/" + "a" * 5000, BOT)
def test_any_text_is_our_command_or_nothing(text: str, me: str | None) -> None:
    command = parse_command(text, me)
    if command is not None:
        assert command.name in COMMANDS
        assert text.strip().startswith("/")
        assert all(arg and not any(ch.isspace() for ch in arg) for arg in command.args)


@given(st.sampled_from(COMMANDS), bot_names, st.lists(st.sampled_from(["@news", "5m", "x"])))
def test_a_command_for_another_bot_is_never_ours(name: str, other: str, args: list[str]) -> None:
    text = f"/{name}@{other} " + " ".join(args)
    command = parse_command(text, BOT)
    if other.lower() == BOT:
        assert command is not None and command.args == tuple(args)
    else:
        assert command is None


@given(st.sampled_from(COMMANDS), st.sampled_from([BOT, BOT.upper(), "GateKeeper_Bot"]))
def test_a_command_for_us_reads_the_same_however_our_name_is_cased(name: str, me: str) -> None:
    assert parse_command(f"/{name}@{me} @news", BOT) == parse_command(f"/{name} @news", BOT)


@given(st.text(tricky_char, max_size=200))
@example("t.me/c/²")
@example("t.me/c/99999999999999999999999999/1")
@example("99999999999999999999")
@example("-1234567")
@example("١٢٣٤٥٦")
def test_a_channel_name_is_read_or_refused_clearly(word: str) -> None:
    try:
        ref = parse_channel_ref(word)
    except CommandError as error:
        assert str(error), "an error says what is wrong"
        return
    named = [v for v in (ref.username, ref.channel_id, ref.invite_hash) if v is not None]
    assert len(named) == 1, "exactly one way of naming the channel"
    if ref.username is not None:
        assert re.fullmatch(r"[a-z][a-z0-9_]{3,31}", ref.username)
    if ref.channel_id is not None:
        assert MARKED_MIN < ref.channel_id < 0, "a chat's marked id, within Telegram's range"
    if ref.invite_hash is not None:
        assert ref.invite_hash


@given(
    st.sampled_from(["@news", "t.me/news", "https://t.me/news/5", "-1001234567890"]),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(INVISIBLE)), max_size=4),
)
def test_invisible_characters_pasted_into_a_name_do_not_change_it(
    name: str, insertions: list[tuple[int, str]]
) -> None:
    pasted = name
    for position, char in insertions:
        at = min(position, len(pasted))
        pasted = pasted[:at] + char + pasted[at:]
    clean = parse_channel_ref(name)
    read = parse_channel_ref(pasted)
    assert (read.username, read.channel_id) == (clean.username, clean.channel_id)


@given(words)
def test_many_channel_names_are_deduplicated_capped_or_refused(args: list[str]) -> None:
    try:
        refs, errors = parse_channel_refs(tuple(args))
    except CommandError as error:
        assert str(MAX_CHANNELS_PER_GROUP) in str(error)
        return
    assert len(refs) <= MAX_CHANNELS_PER_GROUP
    assert len(refs) + len(errors) <= len(args)
    keys = [(r.username, r.channel_id, r.invite_hash) for r in refs]
    assert len(set(keys)) == len(keys)


@given(st.lists(st.text(tricky_char, max_size=30), max_size=4))
@example(["notice", "٥m"])
@example(["notice", "999999h"])
@example(["action", "DELETE"])
def test_settings_change_to_valid_values_or_are_refused(args: list[str]) -> None:
    before = GroupSettings()
    try:
        after = apply_setting(before, tuple(args))
    except CommandError as error:
        assert str(error)
        return
    assert isinstance(after.on_violation, OnViolation)
    assert MIN_NOTICE_TTL <= after.notice_ttl <= MAX_NOTICE_TTL


@given(st.binary(max_size=64))
@example(b"gk1:v:9999999999999999999")
@example(b"gk1:v:-5")
@example(b"gk1:v:" + "٣".encode())
def test_any_button_data_is_ours_or_refused(data: bytes) -> None:
    request = decode_verify(data)
    if request is not None:
        assert data == encode_verify(int(data[len(b"gk1:v:") :]))
        assert 0 <= request.user_id < 2**63, "a user id Telegram could have issued"
