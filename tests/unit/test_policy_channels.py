"""Posts "as" a channel: kept for the group's own channels, removed for any other."""

from __future__ import annotations

import pytest

from gatekeeper.domain import policy
from gatekeeper.domain.actions import DeleteMessage
from gatekeeper.domain.events import MessagePosted, Sender, SenderKind
from gatekeeper.domain.model import Channel, ChannelLink, GroupRules, Verdict

GROUP = -1001000000001
NEWS = Channel(-1001000000002, "News", "news")
LINKED = -1001000000009
FOREIGN = -1001000000042
RULES = GroupRules(GROUP, "Coffee", True, links=(ChannelLink(NEWS),), linked_channel_id=LINKED)


@pytest.mark.parametrize(
    ("as_channel", "kept"),
    [(LINKED, True), (NEWS.id, True), (FOREIGN, False)],
    ids=["the linked channel", "a required channel", "a foreign channel"],
)
def test_a_post_as_a_channel(as_channel: int, kept: bool) -> None:
    posted = MessagePosted(GROUP, 7, Sender(SenderKind.OTHER_CHANNEL, as_channel))
    actions = policy.on_message(posted, RULES, {NEWS.id: Verdict.NOT_MEMBER})
    assert actions == ([] if kept else [DeleteMessage(GROUP, 7)])
