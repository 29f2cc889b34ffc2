"""Whatever a member is called, their notice links to them and to nothing of their choosing."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from telethon import types
from telethon.extensions import html

from gatekeeper.domain.model import Channel
from gatekeeper.services.notices import notice_text

names = st.text(
    st.one_of(
        st.characters(blacklist_categories=["Cs"]),
        st.sampled_from("<>&\"'/=[]()*_`~|\u202e\u2066\u2069\u200fשלום"),
    ),
    max_size=64,
)
channels = st.lists(
    st.builds(
        Channel,
        id=st.integers(-1_000_000_000_000 - 2**40, -1_000_000_000_001),
        title=names,
        username=st.none() | st.from_regex(r"[a-z][a-z0-9_]{4,20}", fullmatch=True),
    ),
    min_size=1,
    max_size=5,
)


@given(user_id=st.integers(1, 2**52), name=names | st.none(), required=channels)
@example(
    user_id=42, name='<a href="https://evil.example">click</a>', required=[Channel(-1001, "X")]
)
@example(user_id=42, name="[evil](https://evil.example)", required=[Channel(-1001, "X")])
@example(user_id=42, name="\u202egnp.exe", required=[Channel(-1001, "</b><a href='x'>")])
def test_a_notice_links_only_to_its_member(
    user_id: int, name: str | None, required: list[Channel]
) -> None:
    text, entities = html.parse(notice_text(user_id, name, required))

    urls = [e.url for e in entities if isinstance(e, types.MessageEntityTextUrl)]
    assert urls == [f"tg://user?id={user_id}"]
    assert "\u202e" not in text, "a name cannot reverse the text around it"
