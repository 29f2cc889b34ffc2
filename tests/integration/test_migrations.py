"""The Alembic migrations: they build the schema the models describe, and take it down again."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from gatekeeper.domain.join_requests import JoinRequest
from gatekeeper.domain.model import (
    BotState,
    GraceMode,
    GroupRules,
    GroupSettings,
    MemberNote,
    Mode,
    OnLeave,
    OnViolation,
    Require,
    Sweep,
)
from gatekeeper.domain.warmup import WarmupProgress
from gatekeeper.storage import Storage, migrate
from gatekeeper.storage.engine import create_engine
from gatekeeper.storage.tables import metadata
from gatekeeper.storage.warmups import ListedMember

OUR_TABLES = {
    "groups",
    "channels",
    "group_channels",
    "restrictions",
    "audit",
    "member_notes",
    "join_requests",
    "warmups",
    "warmup_members",
    "postponed_work",
    "waiting_notices",
}
HEAD = "0012_owed_messages"
BOT = 6_100_000_001


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names)


def _differences(sync: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(sync), metadata))


async def test_an_empty_database_migrates_to_head_down_to_base_and_up_again(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        assert await migrate.current(engine) is None
        assert not await _tables(engine) & OUR_TABLES

        await migrate.upgrade(engine)
        assert await migrate.current(engine) == HEAD
        assert await _tables(engine) >= OUR_TABLES

        await migrate.downgrade(engine)
        assert await migrate.current(engine) is None
        assert not await _tables(engine) & OUR_TABLES

        await migrate.upgrade(engine)
        assert await migrate.current(engine) == HEAD
        assert await _tables(engine) >= OUR_TABLES
    finally:
        await engine.dispose()


async def test_the_migrated_schema_is_exactly_what_the_models_describe(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            before = await conn.run_sync(_differences)
        assert before, "an empty database should differ from the models"

        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            after = await conn.run_sync(_differences)
        assert after == []
    finally:
        await engine.dispose()


async def test_opening_storage_on_a_fresh_database_migrates_it_to_head(database_url: str) -> None:
    async with await Storage.open(database_url) as storage:
        assert await migrate.current(storage.engine) == HEAD
        await storage.bind(BOT)
        rules = await storage.groups.ensure_group(-1001000000001, "Readers", None)
        assert rules.group_id == -1001000000001


async def test_opening_storage_twice_leaves_an_up_to_date_database_alone(
    database_url: str,
) -> None:
    async with await Storage.open(database_url) as storage:
        await storage.bind(BOT)
        await storage.groups.ensure_group(-1001000000001, "Readers", None)
    async with await Storage.open(database_url) as storage:
        assert await migrate.current(storage.engine) == HEAD
        await storage.bind(BOT)
        assert [g.title for g in await storage.groups.load_all()] == ["Readers"]


async def test_a_sqlite_file_in_a_missing_folder_with_a_percent_in_its_path_is_created(
    tmp_path: Path,
) -> None:
    path = tmp_path / "100% data" / "nested" / "gatekeeper.db"
    async with await Storage.open(f"sqlite+aiosqlite:///{path}") as storage:
        assert await migrate.current(storage.engine) == HEAD
    assert path.is_file()


async def test_sqlite_connections_enforce_foreign_keys_and_use_wal(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 30_000
    finally:
        await engine.dispose()


async def test_env_py_opens_its_own_async_engine_when_given_no_connection(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        config = migrate.alembic_config(engine)  # no shared connection: env.py uses asyncio.run
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await migrate.current(engine) == HEAD
        assert await _tables(engine) >= OUR_TABLES
    finally:
        await engine.dispose()


async def test_groups_stored_before_bot_state_read_as_guarded_and_survive_a_downgrade(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0001")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO groups (id, title, protected, on_violation, notice_ttl) "
                    "VALUES (-1001000000001, 'Readers', true, 'mute', 120)"
                )
            )
        await migrate.upgrade(engine)
        storage = Storage.on(engine)
        await storage.bind(BOT)
        (rules,) = await storage.groups.load_all()
        assert rules.bot_state is BotState.OK
        await storage.groups.set_bot_state(rules.group_id, BotState.REMOVED)
        assert (await storage.groups.load_all())[0].bot_state is BotState.REMOVED

        await migrate.downgrade(engine, "0001")
        async with engine.connect() as conn:
            titles = (await conn.execute(text("SELECT title FROM groups"))).scalars().all()
        assert titles == ["Readers"]
    finally:
        await engine.dispose()


async def _insert_0001_rows(engine: AsyncEngine) -> None:
    """What a bot left in the database before rows named their bot."""
    async with engine.begin() as conn:
        for statement in (
            "INSERT INTO groups (id, title, protected, on_violation, notice_ttl)"
            " VALUES (-1001, 'Readers', true, 'delete_and_mute', 120)",
            "INSERT INTO channels (id, title, username) VALUES (-1002, 'News', 'news')",
            "INSERT INTO group_channels (group_id, channel_id, position, healthy, admins_told)"
            " VALUES (-1001, -1002, 0, true, false)",
            "INSERT INTO restrictions (group_id, user_id, previous_flags, imposed_at, missing)"
            " VALUES (-1001, 77, '[]', 1.5, '[-1002]')",
            "INSERT INTO audit (at, group_id, user_id, action, detail)"
            " VALUES (1.5, -1001, 77, 'mute', '{}')",
        ):
            await conn.execute(text(statement))


async def test_rows_from_before_bot_ids_go_to_the_first_bot_and_survive_a_downgrade(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0001")
        await _insert_0001_rows(engine)
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()

    async with await Storage.open(database_url) as first:
        await first.bind(BOT)
        (rules,) = await first.groups.load_all()
        assert (rules.group_id, rules.protected, rules.channel_ids) == (-1001, True, (-1002,))
        assert [(r.group_id, r.user_id) for r in await first.restrictions.all()] == [(-1001, 77)]
    async with await Storage.open(database_url) as second:
        await second.bind(BOT + 1)
        assert await second.groups.load_all() == []
        assert await second.restrictions.all() == []
    async with await Storage.open(database_url) as first_again:
        await first_again.bind(BOT)
        assert len(await first_again.groups.load_all()) == 1

        await migrate.downgrade(first_again.engine, "0001")
        async with first_again.engine.connect() as conn:
            links = await conn.execute(text("SELECT group_id, channel_id FROM group_channels"))
            assert [tuple(row) for row in links] == [(-1001, -1002)]
            mutes = await conn.execute(text("SELECT group_id, user_id FROM restrictions"))
            assert [tuple(row) for row in mutes] == [(-1001, 77)]
            audit = await conn.execute(text("SELECT action FROM audit"))
            assert [row[0] for row in audit] == ["mute"]


async def _readers_stored_at(engine: AsyncEngine, revision: str) -> tuple[Storage, GroupRules]:
    """A group stored by the code of `revision`, read back after migrating to head."""
    await migrate.upgrade(engine, revision)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO groups (bot_id, id, title, protected, on_violation, notice_ttl) "
                f"VALUES ({BOT}, -1001000000001, 'Readers', true, 'mute', 120)"
            )
        )
    await migrate.upgrade(engine)
    storage = Storage.on(engine)
    await storage.bind(BOT)
    (rules,) = await storage.groups.load_all()
    return storage, rules


async def test_groups_stored_before_the_gating_rules_keep_today_s_rules_and_survive_a_downgrade(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        storage, rules = await _readers_stored_at(engine, "0003")
        assert rules.settings == GroupSettings(OnViolation.MUTE, 120, Require.ALL, None)
        chosen = GroupSettings(
            OnViolation.DELETE,
            60,
            Require.ANY,
            86400,
            2,
            OnLeave.NEXT_MESSAGE,
            600,
            GraceMode.STRICT,
        )
        await storage.groups.save_settings(rules.group_id, chosen)
        assert (await storage.groups.load_all())[0].settings == chosen
        await storage.members.save(MemberNote(rules.group_id, 1001, strikes=1))
        newcomer = MemberNote(rules.group_id, 1003, grace_until=1_700_000_000.5)
        await storage.members.save(newcomer)
        await storage.members.save(MemberNote(rules.group_id, 1002, strikes=0))  # not kept
        assert await storage.members.all() == [MemberNote(rules.group_id, 1001, 1), newcomer]

        await migrate.downgrade(engine, "0003")
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("groups")}
            )
            actions = (await conn.execute(text("SELECT on_violation FROM groups"))).all()
        assert actions == [("delete_and_mute",)], "a setting the old code knows"
        assert not {"require", "kick_after", "warn_first", "on_leave", "grace"} & columns
        assert "member_notes" not in await _tables(engine)
    finally:
        await engine.dispose()


async def test_groups_stored_before_join_requests_leave_them_to_the_admins_and_downgrade(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        storage, rules = await _readers_stored_at(engine, "0004_gating_rules")
        assert (rules.settings.decline_after, rules.settings.pending_accept) == (None, False)
        chosen = GroupSettings(OnViolation.MUTE, 120, decline_after=3600, pending_accept=True)
        await storage.groups.save_settings(rules.group_id, chosen)
        assert (await storage.groups.load_all())[0].settings == chosen
        asked = JoinRequest(rules.group_id, 1001, 1_700_000_000.5, None, True, None)
        waiting = JoinRequest(rules.group_id, 1002, 1_700_000_001.0, 2**62, False, "blocked")
        await storage.join_requests.save(asked, access_hash=-77)
        await storage.join_requests.save(waiting)
        assert await storage.join_requests.all() == [asked, waiting]
        assert await storage.join_requests.access_hashes() == {1001: -77}
        await storage.join_requests.remove(rules.group_id, 1001)
        assert await storage.join_requests.all() == [waiting]

        await migrate.downgrade(engine, "0004_gating_rules")
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("groups")}
            )
            titles = (await conn.execute(text("SELECT title FROM groups"))).scalars().all()
        assert titles == ["Readers"]
        assert not {"decline_after", "pending_accept"} & columns
        assert "join_requests" not in await _tables(engine)
    finally:
        await engine.dispose()


async def test_groups_stored_before_warm_ups_sweep_nobody_and_warm_ups_go_on_a_downgrade(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        storage, rules = await _readers_stored_at(engine, "0005_join_requests")
        assert rules.settings.sweep is Sweep.OFF, "nobody is muted by a warm-up unless asked"
        await storage.warmups.save(WarmupProgress(rules.group_id, total=3))
        assert await storage.warmups.add_members(rules.group_id, [ListedMember(7, "member")]) == 1

        await migrate.downgrade(engine, "0005_join_requests")
        tables = await _tables(engine)
        assert not {"warmups", "warmup_members"} & tables and "join_requests" in tables
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("groups")}
            )
        assert "sweep" not in columns and "decline_after" in columns
    finally:
        await engine.dispose()


async def test_a_group_language_and_notice_text_are_kept_and_a_downgrade_drops_only_them(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        storage, rules = await _readers_stored_at(engine, "0006_warmups")
        assert (rules.settings.language, rules.settings.notice_text) == (None, None)
        chosen = GroupSettings(
            OnViolation.MUTE, 120, language="ru", notice_text="{name}, подпишитесь на {channels}"
        )
        await storage.groups.save_settings(rules.group_id, chosen)
        assert (await storage.groups.load_all())[0].settings == chosen

        await migrate.downgrade(engine, "0006_warmups")
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("groups")}
            )
            titles = (await conn.execute(text("SELECT title FROM groups"))).scalars().all()
        assert titles == ["Readers"]
        assert not {"language", "notice_text"} & columns
        assert "sweep" in columns, "only this migration's columns go"
    finally:
        await engine.dispose()


async def test_groups_stored_before_observe_mode_enforce_and_an_observing_group_goes_back_off(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0008_postponed_work")
        async with engine.begin() as conn:
            for group_id, title in ((-1001000000001, "Readers"), (-1001000000002, "Trial")):
                await conn.execute(
                    text(
                        "INSERT INTO groups (bot_id, id, title, protected, on_violation, "
                        f"notice_ttl) VALUES ({BOT}, {group_id}, '{title}', true, 'mute', 120)"
                    )
                )
        await migrate.upgrade(engine)
        storage = Storage.on(engine)
        await storage.bind(BOT)
        by_title = {rules.title: rules for rules in await storage.groups.load_all()}
        readers, trial = by_title["Readers"], by_title["Trial"]
        assert readers.settings.mode is Mode.ENFORCE and readers.log_channel_id is None
        await storage.groups.save_settings(trial.group_id, GroupSettings(mode=Mode.OBSERVE))
        await storage.groups.set_log_channel(trial.group_id, -1001000000009)
        trial = next(r for r in await storage.groups.load_all() if r.title == "Trial")
        assert trial.observing and trial.log_channel_id == -1001000000009

        await migrate.downgrade(engine, "0008_postponed_work")
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT title, protected FROM groups"))).all()
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("groups")}
            )
        assert sorted((title, bool(on)) for title, on in rows) == [
            ("Readers", True),
            ("Trial", False),
        ], "a group that only watched must not start muting under the older code"
        assert not {"mode", "log_channel_id"} & columns
    finally:
        await engine.dispose()


async def test_notes_kept_before_their_times_were_recorded_are_stamped_at_the_upgrade(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0009_observe_and_log_channel")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO member_notes (bot_id, group_id, user_id, strikes) "
                    f"VALUES ({BOT}, -1001000000001, 1001, 2)"
                )
            )
        started = time.time()
        await migrate.upgrade(engine)
        storage = Storage.on(engine)
        await storage.bind(BOT)
        (note,) = await storage.members.all()
        assert note == MemberNote(-1001000000001, 1001, strikes=2)
        assert note.noted_at is not None and started - 1 <= note.noted_at <= time.time() + 1
        assert await storage.members.prune(time.time(), 3600) == 0  # a whole retention from now

        await migrate.downgrade(engine, "0009_observe_and_log_channel")
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("member_notes")}
            )
            notes = (await conn.execute(text("SELECT user_id, strikes FROM member_notes"))).all()
        assert "noted_at" not in columns
        assert [tuple(row) for row in notes] == [(1001, 2)]
    finally:
        await engine.dispose()


async def test_a_log_channel_set_before_the_upgrade_is_owed_only_what_happens_after_it(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    group = -1001000000001
    try:
        await migrate.upgrade(engine, "0011_member_note_struck")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO groups (bot_id, id, title, protected, on_violation, notice_ttl, "
                    f"log_channel_id) VALUES ({BOT}, {group}, 'Readers', true, 'mute', 120, -1009)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO audit (bot_id, at, group_id, user_id, action, detail) "
                    f"VALUES ({BOT}, 1.0, {group}, 1001, 'mute', '{{}}')"
                )
            )
        await migrate.upgrade(engine)
        storage = Storage.on(engine)
        await storage.bind(BOT)
        assert await storage.audit.unlogged(group, ["mute"], 10) == ([], 0), "its history stays"
        await storage.audit.record("mute", at=2.0, group_id=group, user_id=1002)
        owed, more = await storage.audit.unlogged(group, ["mute"], 10)
        assert [entry.user_id for entry in owed] == [1002] and more == 0
        await storage.audit.logged([owed[0].id])
        assert await storage.audit.unlogged(group, ["mute"], 10) == ([], 0), "sent: not owed"

        await migrate.downgrade(engine, "0011_member_note_struck")
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("groups")}
            )
            logged = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("audit")}
            )
        assert "logged_audit_id" not in columns and "logged" not in logged
        assert "waiting_notices" not in await _tables(engine)
    finally:
        await engine.dispose()
