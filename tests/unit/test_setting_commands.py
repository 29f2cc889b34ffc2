"""What admins type after /settings or /allow, read back, with a clear word for mistakes."""

from __future__ import annotations

import pytest

from gatekeeper.domain.commands import CommandError, parse_user_ref
from gatekeeper.domain.model import GraceMode, GroupSettings, OnLeave, OnViolation, Require
from gatekeeper.domain.setting_commands import apply_setting, settings_lines, status_line

DEFAULTS = GroupSettings()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("action", "mute"), GroupSettings(OnViolation.MUTE, 120)),
        (("action", "delete"), GroupSettings(OnViolation.DELETE_AND_MUTE, 120)),
        (("action", "delete-only"), GroupSettings(OnViolation.DELETE, 120)),
        (("action", "DELETE_ONLY"), GroupSettings(OnViolation.DELETE, 120)),
        (("notice", "5m"), GroupSettings(OnViolation.DELETE_AND_MUTE, 300)),
        (("notice", "45"), GroupSettings(OnViolation.DELETE_AND_MUTE, 45)),
        (("require", "any"), GroupSettings(require=Require.ANY)),
        (("require", "all"), GroupSettings(require=Require.ALL)),
        (("kick", "24h"), GroupSettings(kick_after=86400)),
        (("kick", "2d"), GroupSettings(kick_after=172800)),
        (("kick", "off"), GroupSettings()),
        (("warn", "2"), GroupSettings(warn_first=2)),
        (("warn", "off"), GroupSettings()),
        (("on-leave", "next-message"), GroupSettings(on_leave=OnLeave.NEXT_MESSAGE)),
        (("on_leave", "now"), GroupSettings()),
        (("grace", "10m"), GroupSettings(grace=600)),
        (("grace", "off"), GroupSettings()),
        (("grace", "strict"), GroupSettings(grace_mode=GraceMode.STRICT)),
        (("grace", "lenient"), GroupSettings()),
    ],
)
def test_settings_change(args: tuple[str, str], expected: GroupSettings) -> None:
    assert apply_setting(DEFAULTS, args) == expected


def test_changing_one_setting_keeps_the_others() -> None:
    chosen = GroupSettings(OnViolation.DELETE, 60, Require.ANY, 3600)
    assert apply_setting(chosen, ("kick", "off")) == GroupSettings(
        OnViolation.DELETE, 60, Require.ANY, None
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "Usage"),
        (("action",), "Usage"),
        (("action", "ban"), "delete-only"),
        (("notice", "1s"), "between 10s and 24h"),
        (("notice", "25h"), "between"),
        (("colour", "red"), "Usage"),
        (("require", "most"), "every channel"),
        (("kick", "soon"), "kick takes a duration"),
        (("kick", "30s"), "between 1m and 366d"),
        (("warn", "11"), "from 0 to 10"),
        (("warn", "-1"), "from 0 to 10"),
        (("on-leave", "later"), "now or next-message"),
        (("grace", "10s"), "between 1m and 7d"),
        (("grace", "soon"), "grace takes a duration"),
    ],
)
def test_bad_settings_are_refused_with_how_to_fix_them(args: tuple[str, ...], says: str) -> None:
    with pytest.raises(CommandError, match=says):
        apply_setting(DEFAULTS, args)


def test_the_settings_shown_name_every_choice_and_how_to_change_it() -> None:
    shown = "\n".join(settings_lines(GroupSettings(OnViolation.DELETE, 60, Require.ANY, 86400)))
    for words in (
        "at least one channel",
        "delete only",
        "after 24h",
        "60s",
        "/settings kick",
        "warnings first: none",
        "muted and told at once",
    ):
        assert words in shown
    assert "every channel" in status_line(DEFAULTS) and "removal off" in status_line(DEFAULTS)


@pytest.mark.parametrize(
    ("word", "username", "user_id"),
    [("@Alice", "alice", None), ("@bob", "bob", None), ("1001", None, 1001)],
)
def test_a_member_is_named_by_username_or_numeric_id(
    word: str, username: str | None, user_id: int | None
) -> None:
    ref = parse_user_ref(word)
    assert (ref.username, ref.user_id) == (username, user_id)


@pytest.mark.parametrize("word", ["alice", "@a", "-5", "0", "@al ice", "t.me/alice"])
def test_anything_else_is_not_a_member(word: str) -> None:
    with pytest.raises(CommandError, match="name a member"):
        parse_user_ref(word)
