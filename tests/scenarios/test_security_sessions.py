"""The session file is the bot's login: private on disk, never in the logs, never someone else's."""

from __future__ import annotations

import io
import logging
import os
import stat

import pytest
import structlog
from telethon.sessions import StringSession

from gatekeeper.observability.logging import configure_logging
from gatekeeper.sim.stage import Stage
from gatekeeper.telegram.client import SessionFileError
from tests.scenarios.helpers import guarded, notices_for, say


async def test_the_login_is_private_on_disk_and_never_logged(stage: Stage) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    configure_logging("DEBUG", json=True, stream=out, library_level="DEBUG")
    try:
        await guarded(stage)
        await say(stage, stage.alice, stage.group, "hi")
        (notice,) = notices_for(stage.group, stage.bot, stage.alice)
        await stage.alice.press(notice)
        await stage.restart()
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()

    assert stage.app is not None and stage.session is not None
    session = stage.app.client.session
    key = session.auth_key.key
    logs = out.getvalue()
    assert "muted" in logs, "the logs did record the story"
    for secret in (key.hex(), StringSession.save(session), str(stage.bot.token)):
        assert secret not in logs
    assert repr(key)[2:40] not in logs
    assert stat.S_IMODE(os.stat(stage.session).st_mode) == 0o600


@pytest.mark.filterwarnings("ignore:the session already had an authorized user")
async def test_a_session_logged_in_as_another_bot_is_refused(stage: Stage) -> None:
    other = stage.sim.create_bot("other_bot", first_name="Other")
    stage.make_admin(stage.group)
    assert stage.session is not None
    client = await stage.sim.connect(other, session=str(stage.session))
    await client.disconnect()

    with pytest.raises(SessionFileError, match="Move it away"):
        await stage.start()

    assert all(m.sender_user_id != other.id for m in stage.group.messages())
    assert other.state.commands == [], "nothing was done as the other bot"
