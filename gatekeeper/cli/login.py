"""`gatekeeper login`: make (or refresh) the session file from the bot token, and say who it is."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any, TextIO

from telethon import TelegramClient, errors

from gatekeeper.cli.command import Command
from gatekeeper.cli.run import credentials_missing
from gatekeeper.settings import Settings

ClientFactory = Callable[[], TelegramClient]


def _token_bot_id(settings: Settings) -> int:
    assert settings.bot_token is not None
    return int(settings.bot_token.get_secret_value().partition(":")[0])


async def login(
    settings: Settings,
    make_client: ClientFactory | None = None,
    *,
    out: TextIO | None = None,
) -> int:
    """Logs in with the token; a session left by another bot is replaced. 0 on success."""
    out, err = out or sys.stdout, sys.stderr
    if credentials_missing(settings):
        return 2
    if make_client is None:
        from gatekeeper.telegram.client import build_client

        def make_client() -> TelegramClient:
            return build_client(settings)

    assert settings.bot_token is not None
    token = settings.bot_token.get_secret_value()
    try:
        me = await _log_in(make_client, token)
        if int(me.id) != _token_bot_id(settings):
            # The session belongs to another bot: start afresh with this token.
            settings.session_path.unlink(missing_ok=True)
            me = await _log_in(make_client, token)
    except (errors.AccessTokenInvalidError, errors.AccessTokenExpiredError):
        print("gatekeeper: Telegram refused the bot token; copy it again from @BotFather", file=err)
        return 1
    except errors.RPCError as error:
        print(f"gatekeeper: Telegram refused the login: {error.message}", file=err)
        return 1
    except (TimeoutError, OSError, ConnectionError) as error:
        print(
            f"gatekeeper: cannot reach Telegram ({type(error).__name__}); check the network",
            file=err,
        )
        return 1
    path = settings.session_path
    if path.exists():
        os.chmod(path, 0o600)
    print(
        f"logged in as @{me.username} (id {me.id}); session saved in {path} (mode 0600)", file=out
    )
    return 0


async def _log_in(make_client: ClientFactory, token: str) -> Any:
    client = make_client()
    try:
        with warnings.catch_warnings():
            # "the session already had an authorized user": handled by our caller.
            warnings.simplefilter("ignore", UserWarning)
            await client.start(bot_token=token)
        return await client.get_me()
    finally:
        await client.disconnect()  # saves the session (login and update state)


def _run(_: argparse.Namespace, settings: Settings | None) -> int:
    assert settings is not None
    return asyncio.run(login(settings))


COMMAND = Command(
    name="login",
    help="log the bot in with its token and save the session file (mode 0600)",
    examples=(
        "  python3 run.py login\n"
        "  GATEKEEPER_SESSION=staging python3 run.py login   a second session, for a second bot"
    ),
    run=_run,
)
