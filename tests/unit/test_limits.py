"""Fitting the bot's words into Telegram's limits."""

from __future__ import annotations

from gatekeeper.domain.limits import clip, length, listing


def test_length_counts_utf16_code_units_as_telegram_does() -> None:
    assert length("abc") == 3
    assert length("😀") == 2


def test_clip_keeps_short_texts_and_cuts_long_ones_with_an_ellipsis() -> None:
    assert clip("short", 10) == "short"
    cut = clip("x" * 300, 200)
    assert length(cut) <= 200 and cut.endswith("…")
    assert length(clip("😀" * 300, 200)) <= 200


def test_listing_names_what_fits_and_counts_the_rest() -> None:
    assert listing(["@a", "@b"], 50) == "@a, @b"
    assert listing(["@aaaa", "@bbbb", "@cccc", "@dddd", "@eeee"], 25) == "@aaaa, @bbbb and 3 more"
    one = listing(["y" * 300, "z"], 50)
    assert one.endswith("… and 1 more") and length(one) <= 50
