"""The settings panel's buttons: what they carry, what a press changes, what is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gatekeeper.domain.keyboard import DATA_MAX, Button
from gatekeeper.domain.model import Channel, ChannelLink, GroupRules, GroupSettings
from gatekeeper.domain.panel import CYCLES, Do, Press, cycle, decode, encode, group_view
from gatekeeper.domain.setting_commands import apply_setting

BIGGEST_GROUP = -1_000_000_000_000 - (2**52 - 1)  # the largest id Telegram gives a chat


def test_every_button_of_the_biggest_group_fits_in_64_bytes() -> None:
    channel = Channel(BIGGEST_GROUP + 1, "A channel with a long name " * 3, "c" * 32)
    rules = GroupRules(BIGGEST_GROUP, "G" * 255, True, links=(ChannelLink(channel),) * 5)
    _, keyboard = group_view(replace(rules, log_channel_id=1), "status")
    data = [b.data for row in keyboard for b in row if b.data is not None]
    assert data and all(len(d) <= DATA_MAX for d in data)
    assert all(decode(d) is not None for d in data), "each decodes back"


@pytest.mark.parametrize(
    "data",
    [
        None,
        b"",
        b"gk1:v:123",  # a notice's button
        b"gk1:p:s:-1001234567890:nonsense",  # no such setting
        b"gk1:p:z:-1001234567890",  # no such action
        b"gk1:p:s:-1001234567890:mode;x",
        b"gk1:p:l:-1001234567890",  # the list names no group
        b"gk1:p:g:0",  # opening names one
        b"gk1:p:g:1234",  # not a group's id
        b"gk1:p:u:-1001234567890:-5",
        b"gk1:p:g:-1001234567890" + b"0" * 60,
        b"\xff\xfe" * 20,
    ],
)
def test_made_up_data_is_refused(data: bytes | None) -> None:
    assert decode(data) is None


def test_good_data_decodes() -> None:
    assert decode(encode(Do.CYCLE, -1001234567890, "mode")) == Press(
        Do.CYCLE, -1001234567890, "mode"
    )
    assert decode(encode(Do.LIST)) == Press(Do.LIST, 0)
    assert decode(encode(Do.UNLINK, -1001234567890, "5678")) == Press(
        Do.UNLINK, -1001234567890, "5678"
    )


@pytest.mark.parametrize("key", sorted(CYCLES))
def test_pressing_a_setting_goes_round_all_its_values_and_back(key: str) -> None:
    settings = GroupSettings()
    seen = []
    for _ in CYCLES[key]:
        settings = apply_setting(settings, cycle(settings, key))
        seen.append(settings)
    assert seen[-1] == GroupSettings(), "and back where it started"
    assert len(set(seen)) == len(CYCLES[key]), "each press changes something"


def test_a_button_is_a_link_or_data_never_both() -> None:
    with pytest.raises(ValueError):
        Button("x")
    with pytest.raises(ValueError):
        Button("x", data=b"1", url="https://t.me/x")
    with pytest.raises(ValueError):
        Button("x", data=b"1" * 65)
