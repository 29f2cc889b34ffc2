"""Observe mode's rules and the log channel's lines, as tables."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gatekeeper.domain.actions import (
    Action,
    DeleteMessage,
    Mute,
    Release,
    SendNotice,
    StartGrace,
    Warn,
)
from gatekeeper.domain.journal import LINE_MAX, line, pack
from gatekeeper.domain.limits import MESSAGE_MAX, length
from gatekeeper.domain.model import (
    BannedRights,
    Channel,
    ChannelLink,
    GroupRules,
    GroupSettings,
    Mode,
    Restriction,
)
from gatekeeper.domain.observe import WOULD_MUTE, WOULD_WARN, observe_line, restrain, would_have
from gatekeeper.domain.policy import due_for_removal

GROUP, OTHER, NEWS = -1001, -1002, -1003
LINKS = (ChannelLink(Channel(NEWS, "News", "news")),)
ENFORCING = GroupRules(GROUP, protected=True, links=LINKS)
OBSERVING = replace(ENFORCING, settings=GroupSettings(mode=Mode.OBSERVE))
EVERYTHING: list[Action] = [
    Mute(GROUP, 7, (NEWS,)),
    DeleteMessage(GROUP, 1, 7),
    SendNotice(GROUP, 7, (LINKS[0].channel,)),
    Warn(GROUP, 8, (NEWS,)),
    StartGrace(GROUP, 9, 100.0),
    Release(GROUP, 10),
]


def test_enforcing_groups_do_everything() -> None:
    assert restrain({GROUP: ENFORCING}, EVERYTHING) == (EVERYTHING, [])


def test_observing_groups_only_release_and_count_the_rest() -> None:
    done, counted = restrain({GROUP: OBSERVING}, EVERYTHING)
    assert done == [Release(GROUP, 10)]
    assert counted == EVERYTHING[:5]
    assert [(w.kind, w.user_id) for w in would_have(counted)] == [(WOULD_MUTE, 7), (WOULD_WARN, 8)]


def test_each_group_is_judged_by_its_own_mode() -> None:
    mixed = [Mute(GROUP, 7, (NEWS,)), Mute(OTHER, 7, (NEWS,))]
    rules = {GROUP: OBSERVING, OTHER: replace(ENFORCING, group_id=OTHER)}
    assert restrain(rules, mixed) == ([mixed[1]], [mixed[0]])


def test_no_removal_while_observing() -> None:
    rules = replace(OBSERVING, settings=GroupSettings(mode=Mode.OBSERVE, kick_after=60))
    muted = Restriction(GROUP, 7, BannedRights(), imposed_at=0.0)
    assert not due_for_removal(rules, muted, 1000.0)
    assert due_for_removal(replace(rules, settings=GroupSettings(kick_after=60)), muted, 1000.0)


@pytest.mark.parametrize(
    ("muted", "warned", "says"),
    [
        (0, 0, "muted 0 members."),
        (1, 0, "muted 1 member."),
        (12, 3, "muted 12 members. I would have warned 3 members."),
    ],
)
def test_the_status_line_counts_in_words(muted: int, warned: int, says: str) -> None:
    assert says in observe_line(muted, warned)


def _line(action: str, **detail: object) -> str | None:
    admin = str(detail.pop("by")) if "by" in detail else None
    return line(
        action,
        detail,
        group="Coffee chat",
        member="Alice (7)",
        admin=admin,
        label=lambda c: "@news",
    )


@pytest.mark.parametrize(
    ("action", "detail", "says"),
    [
        ("mute", {"missing": [NEWS]}, "muted \u2068Alice (7)\u2069: not joined \u2068@news"),
        ("release", {}, "released \u2068Alice (7)"),
        ("delete", {}, "deleted a message from \u2068Alice"),
        ("would_mute", {"missing": [NEWS]}, "would have muted \u2068Alice"),
        (
            "link_broken",
            {"channel_id": NEWS, "problem": "gone"},
            "cannot check \u2068@news\u2069 (gone)",
        ),
        ("link_healed", {"channel_id": NEWS}, "link healed"),
        (
            "settings",
            {"by": "Carol", "setting": "mode observe"},
            "\u2068Carol\u2069 changed a setting: mode observe",
        ),
        ("unlink", {"by": "Carol", "label": "@talks"}, "unlinked \u2068@talks"),
        ("unprotect", {}, "an admin turned protection off"),
    ],
)
def test_each_action_reads_as_a_line_naming_the_group(
    action: str, detail: dict[str, object], says: str
) -> None:
    text = _line(action, **detail)
    assert text is not None and says in text and text.startswith("[\u2068Coffee chat\u2069]")


def test_unknown_actions_get_no_line_and_long_ones_are_clipped() -> None:
    assert _line("reconciled") is None
    long = line("mute", {}, group="G" * 5000, member="A" * 5000, label=str)
    assert long is not None and length(long) <= LINE_MAX


def test_a_name_cannot_turn_the_line_around() -> None:
    text = line("mute", {}, group="گروه", member="\u202eevil\nname", label=str)
    assert text is not None and "\n" not in text and "\u202e" not in text


def test_lines_are_packed_in_order_within_the_message_limit() -> None:
    lines = [f"line {n} " + "x" * 400 for n in range(30)]
    messages = pack(lines)
    assert all(length(m) <= MESSAGE_MAX for m in messages)
    assert "\n".join(messages).splitlines() == lines
    assert len(messages) < len(lines)
    assert pack([]) == []
