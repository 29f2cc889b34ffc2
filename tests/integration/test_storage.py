"""The repositories, on SQLite and PostgreSQL: what is saved is what comes back, as domain types."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from gatekeeper.domain.model import (
    BannedRights,
    Channel,
    ChannelLink,
    GroupRules,
    GroupSettings,
    OnViolation,
    Restriction,
)
from gatekeeper.storage import NotFound, Storage
from gatekeeper.storage.tables import AuditRow, GroupChannelRow

GROUP = -1001700000000001
OTHER_GROUP = -1001700000000002
NEWS = Channel(id=-1002900000000001, title="News", username="news_channel")
PRIVATE = Channel(id=-1001100000000009, title="Backstage", invite_link="https://t.me/+AbCdEf")
EXTRA = Channel(id=-1001500000000005, title="Extra")
BOT = 6_100_000_001
ALICE = 5_000_000_001
BOB = 7_300_000_002
MUTED_AT = 1_767_225_600.123456


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    async with await Storage.open(database_url) as opened:
        await opened.bind(BOT)
        yield opened


async def _group_with_channels(storage: Storage, *channels: Channel) -> None:
    await storage.groups.ensure_group(GROUP, "Readers' chat", None)
    for channel in channels:
        await storage.groups.save_channel(channel)
        assert await storage.groups.link(GROUP, channel.id)


async def _stored(storage: Storage, group_id: int, user_id: int) -> Restriction | None:
    """The recorded mute, read as the bot reads them at start (`all`)."""
    found = [
        r
        for r in await storage.restrictions.all()
        if (r.group_id, r.user_id) == (group_id, user_id)
    ]
    return found[0] if found else None


async def _link_rows(storage: Storage) -> int:
    async with storage.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(GroupChannelRow))).scalar_one()


# Groups ---------------------------------------------------------------------------------------


async def test_a_new_group_starts_unprotected_with_default_settings_and_no_links(
    storage: Storage,
) -> None:
    created = await storage.groups.ensure_group(GROUP, "Readers' chat", NEWS.id)

    expected = GroupRules(group_id=GROUP, title="Readers' chat", linked_channel_id=NEWS.id)
    assert created == expected
    assert await storage.groups.get(GROUP) == expected
    assert await storage.groups.get(OTHER_GROUP) is None


async def test_ensure_group_refreshes_title_and_linked_channel_but_keeps_settings(
    storage: Storage,
) -> None:
    await storage.groups.ensure_group(GROUP, "Old title", NEWS.id)
    settings = GroupSettings(on_violation=OnViolation.MUTE, notice_ttl=300)
    await storage.groups.save_settings(GROUP, settings)
    await storage.groups.set_protected(GROUP, True)

    refreshed = await storage.groups.ensure_group(GROUP, "New title", None)

    assert refreshed.title == "New title"
    assert refreshed.linked_channel_id is None
    assert refreshed.protected is True
    assert refreshed.settings == settings


async def test_a_protected_group_reads_back_its_settings_after_a_restart(
    database_url: str,
) -> None:
    settings = GroupSettings(on_violation=OnViolation.MUTE, notice_ttl=3600)
    async with await Storage.open(database_url) as storage:
        await storage.bind(BOT)
        await storage.groups.ensure_group(GROUP, "Readers' chat", None)
        await storage.groups.save_settings(GROUP, settings)
        await storage.groups.set_protected(GROUP, True)

    async with await Storage.open(database_url) as storage:
        await storage.bind(BOT)
        (rules,) = await storage.groups.load_all()
    assert rules.protected is True
    assert rules.settings == settings
    assert rules.settings.on_violation is OnViolation.MUTE

    async with await Storage.open(database_url) as storage:
        await storage.bind(BOT)
        await storage.groups.set_protected(GROUP, False)
        rules_after = await storage.groups.get(GROUP)
    assert rules_after is not None
    assert rules_after.protected is False


async def test_changing_an_unknown_group_raises_not_found(storage: Storage) -> None:
    with pytest.raises(NotFound):
        await storage.groups.set_protected(GROUP, True)
    with pytest.raises(NotFound):
        await storage.groups.save_settings(GROUP, GroupSettings())
    with pytest.raises(NotFound):
        await storage.groups.link(GROUP, NEWS.id)


async def test_linking_a_channel_that_was_never_saved_raises_not_found(storage: Storage) -> None:
    await storage.groups.ensure_group(GROUP, "Readers' chat", None)

    with pytest.raises(NotFound):
        await storage.groups.link(GROUP, NEWS.id)
    assert await _link_rows(storage) == 0


# Links ----------------------------------------------------------------------------------------


async def test_a_group_links_two_channels_and_reads_them_back_in_order(storage: Storage) -> None:
    # NEWS has the smaller id: linking it second shows the order is the linking order.
    await _group_with_channels(storage, PRIVATE, NEWS)

    rules = await storage.groups.get(GROUP)

    assert rules is not None
    assert rules.links == (ChannelLink(channel=PRIVATE), ChannelLink(channel=NEWS))
    assert rules.channel_ids == (PRIVATE.id, NEWS.id)
    assert rules.links[0].channel.join_url == "https://t.me/+AbCdEf"
    assert rules.links[1].channel.label == "@news_channel"


async def test_load_all_gives_each_group_its_own_links(storage: Storage) -> None:
    await _group_with_channels(storage, NEWS, PRIVATE)
    await storage.groups.ensure_group(OTHER_GROUP, "Second chat", None)
    await storage.groups.save_channel(EXTRA)
    await storage.groups.link(OTHER_GROUP, EXTRA.id)
    await storage.groups.link(OTHER_GROUP, NEWS.id)

    by_id = {rules.group_id: rules for rules in await storage.groups.load_all()}

    assert by_id[GROUP].channel_ids == (NEWS.id, PRIVATE.id)
    assert by_id[OTHER_GROUP].channel_ids == (EXTRA.id, NEWS.id)
    assert by_id[OTHER_GROUP].title == "Second chat"


async def test_linking_the_same_channel_twice_keeps_one_link_in_its_first_place(
    storage: Storage,
) -> None:
    await _group_with_channels(storage, NEWS, PRIVATE)

    assert await storage.groups.link(GROUP, NEWS.id) is False

    rules = await storage.groups.get(GROUP)
    assert rules is not None
    assert rules.channel_ids == (NEWS.id, PRIVATE.id)
    assert await _link_rows(storage) == 2


async def test_the_database_itself_refuses_a_duplicate_link(storage: Storage) -> None:
    await _group_with_channels(storage, NEWS)

    with pytest.raises(IntegrityError):
        async with storage.engine.begin() as conn:
            await conn.execute(
                insert(GroupChannelRow).values(
                    group_id=GROUP, channel_id=NEWS.id, position=7, healthy=True, admins_told=False
                )
            )
    assert await _link_rows(storage) == 1


async def test_links_made_at_the_same_time_are_all_kept(storage: Storage) -> None:
    await storage.groups.ensure_group(GROUP, "Readers' chat", None)
    for channel in (NEWS, PRIVATE, EXTRA):
        await storage.groups.save_channel(channel)

    results = await asyncio.gather(
        *(storage.groups.link(GROUP, c.id) for c in (NEWS, PRIVATE, EXTRA, NEWS))
    )

    assert sorted(results) == [False, True, True, True]
    rules = await storage.groups.get(GROUP)
    assert rules is not None
    assert sorted(rules.channel_ids) == sorted((NEWS.id, PRIVATE.id, EXTRA.id))


async def test_unlinking_removes_only_that_channel_and_says_whether_it_was_linked(
    storage: Storage,
) -> None:
    await _group_with_channels(storage, NEWS, PRIVATE, EXTRA)

    assert await storage.groups.unlink(GROUP, PRIVATE.id) is True
    assert await storage.groups.unlink(GROUP, PRIVATE.id) is False

    rules = await storage.groups.get(GROUP)
    assert rules is not None
    assert rules.channel_ids == (NEWS.id, EXTRA.id)


async def test_a_channel_linked_again_after_unlinking_goes_last_and_healthy(
    storage: Storage,
) -> None:
    await _group_with_channels(storage, NEWS, PRIVATE)
    await storage.groups.set_link_health(
        GROUP, NEWS.id, healthy=False, problem="ChatAdminRequired", admins_told=True
    )
    await storage.groups.unlink(GROUP, NEWS.id)

    assert await storage.groups.link(GROUP, NEWS.id) is True

    rules = await storage.groups.get(GROUP)
    assert rules is not None
    assert rules.links == (ChannelLink(channel=PRIVATE), ChannelLink(channel=NEWS))


async def test_a_broken_link_is_recorded_and_then_healed(storage: Storage) -> None:
    await _group_with_channels(storage, NEWS, PRIVATE)

    changed = await storage.groups.set_link_health(
        GROUP, PRIVATE.id, healthy=False, problem="ChannelPrivate", admins_told=True
    )

    assert changed is True
    rules = await storage.groups.get(GROUP)
    assert rules is not None
    assert rules.link(NEWS.id) == ChannelLink(channel=NEWS)
    assert rules.link(PRIVATE.id) == ChannelLink(
        channel=PRIVATE, healthy=False, problem="ChannelPrivate", admins_told=True
    )

    await storage.groups.set_link_health(
        GROUP, PRIVATE.id, healthy=True, problem=None, admins_told=False
    )
    healed = await storage.groups.get(GROUP)
    assert healed is not None
    assert healed.link(PRIVATE.id) == ChannelLink(channel=PRIVATE)


async def test_the_health_of_a_link_that_does_not_exist_is_not_recorded(storage: Storage) -> None:
    await _group_with_channels(storage, NEWS)

    changed = await storage.groups.set_link_health(
        GROUP, PRIVATE.id, healthy=False, problem="ChannelInvalid", admins_told=False
    )

    assert changed is False
    assert await _link_rows(storage) == 1


async def test_a_channel_saved_again_is_updated_everywhere_it_is_linked(storage: Storage) -> None:
    await _group_with_channels(storage, PRIVATE)
    renamed = Channel(id=PRIVATE.id, title="Backstage (public now)", username="backstage")

    await storage.groups.save_channel(renamed)

    rules = await storage.groups.get(GROUP)
    assert rules is not None
    assert rules.links == (ChannelLink(channel=renamed),)
    assert rules.links[0].channel.join_url == "https://t.me/backstage"


async def test_the_database_cascades_a_group_deleted_behind_the_stores_back(
    storage: Storage,
) -> None:
    await _group_with_channels(storage, NEWS, PRIVATE)

    async with storage.engine.begin() as conn:
        await conn.execute(text("DELETE FROM groups WHERE id = :id"), {"id": GROUP})

    assert await _link_rows(storage) == 0
    assert await storage.groups.load_all() == []


# Restrictions ---------------------------------------------------------------------------------


def _mute(
    user_id: int = ALICE,
    group_id: int = GROUP,
    *,
    flags: frozenset[str] = frozenset({"send_media", "send_stickers", "embed_links"}),
    until: int | None = 1_800_000_000,
    at: float = MUTED_AT,
) -> Restriction:
    return Restriction(
        group_id=group_id,
        user_id=user_id,
        previous=BannedRights(flags=flags, until=until),
        imposed_at=at,
        missing=(PRIVATE.id, NEWS.id),
        notice_message_id=4242,
    )


async def test_a_restriction_round_trips_the_previous_rights_exactly(storage: Storage) -> None:
    mute = _mute()

    await storage.restrictions.save(mute)

    assert await _stored(storage, GROUP, ALICE) == mute
    assert await _stored(storage, GROUP, BOB) is None
    assert await _stored(storage, OTHER_GROUP, ALICE) is None


async def test_a_member_who_had_full_rights_round_trips_as_empty_rights(storage: Storage) -> None:
    mute = Restriction(
        group_id=GROUP, user_id=ALICE, previous=BannedRights(), imposed_at=1_767_225_600.5
    )

    await storage.restrictions.save(mute)

    loaded = await _stored(storage, GROUP, ALICE)
    assert loaded == mute
    assert loaded is not None
    assert loaded.previous.is_empty
    assert loaded.missing == ()
    assert loaded.notice_message_id is None


async def test_saving_a_restriction_again_replaces_the_earlier_record(storage: Storage) -> None:
    await storage.restrictions.save(_mute())
    again = Restriction(
        group_id=GROUP,
        user_id=ALICE,
        previous=BannedRights(flags=frozenset({"send_polls"}), until=None),
        imposed_at=MUTED_AT + 60.25,
        missing=(EXTRA.id,),
    )

    await storage.restrictions.save(again)

    assert await storage.restrictions.all() == [again]


async def test_removing_a_restriction_says_whether_there_was_one(storage: Storage) -> None:
    await storage.restrictions.save(_mute(ALICE))
    await storage.restrictions.save(_mute(BOB))

    assert await storage.restrictions.remove(GROUP, ALICE) is True
    assert await storage.restrictions.remove(GROUP, ALICE) is False

    assert await _stored(storage, GROUP, ALICE) is None
    assert await _stored(storage, GROUP, BOB) == _mute(BOB)


async def test_every_mute_is_read_back_in_group_then_user_order(storage: Storage) -> None:
    alice_here = _mute(ALICE, GROUP)
    alice_there = _mute(ALICE, OTHER_GROUP, flags=frozenset(), until=None)
    bob_here = _mute(BOB, GROUP)
    for mute in (bob_here, alice_there, alice_here):
        await storage.restrictions.save(mute)

    # Ordered by (group id, user id); OTHER_GROUP's marked id is the smaller one.
    assert OTHER_GROUP < GROUP
    assert ALICE < BOB
    assert await storage.restrictions.all() == [alice_there, alice_here, bob_here]


async def test_the_notice_about_a_mute_is_remembered_and_forgotten(storage: Storage) -> None:
    await storage.restrictions.save(_mute())

    assert await storage.restrictions.set_notice(GROUP, ALICE, 777) is True
    loaded = await _stored(storage, GROUP, ALICE)
    assert loaded is not None
    assert loaded.notice_message_id == 777
    assert loaded.previous == _mute().previous

    assert await storage.restrictions.set_notice(GROUP, ALICE, None) is True
    cleared = await _stored(storage, GROUP, ALICE)
    assert cleared is not None
    assert cleared.notice_message_id is None

    assert await storage.restrictions.set_notice(GROUP, BOB, 1) is False


# Audit ----------------------------------------------------------------------------------------


async def test_the_audit_trail_keeps_every_entry_with_its_details(storage: Storage) -> None:
    await storage.audit.record("muted", at=100.5, group_id=GROUP, user_id=ALICE)
    await storage.audit.record(
        "released", at=300.25, group_id=GROUP, user_id=ALICE, detail={"channels": [NEWS.id]}
    )
    await storage.audit.record("started", at=50.0)

    async with storage.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    AuditRow.action,
                    AuditRow.at,
                    AuditRow.group_id,
                    AuditRow.user_id,
                    AuditRow.detail,
                ).order_by(AuditRow.id)
            )
        ).all()

    assert [tuple(row) for row in rows] == [
        ("muted", 100.5, GROUP, ALICE, {}),
        ("released", 300.25, GROUP, ALICE, {"channels": [NEWS.id]}),
        ("started", 50.0, None, None, {}),
    ]
