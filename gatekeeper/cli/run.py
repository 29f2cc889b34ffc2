"""`gatekeeper run` (the default): the bot itself, until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import sys

from gatekeeper.cli.command import Command
from gatekeeper.settings import PREFIX, Settings

CREDENTIALS_HELP = f"""\
gatekeeper: no Telegram credentials yet. Set these (in the environment or in a .env file here):

  {PREFIX}API_ID=1234567          your app's api_id, from https://my.telegram.org (API tools)
  {PREFIX}API_HASH=0123456789abcdef0123456789abcdef   the api_hash shown beside it
  {PREFIX}BOT_TOKEN=123456:ABC-DEF...               from @BotFather (/newbot)

Optional: {PREFIX}DATABASE_URL (default sqlite+aiosqlite:///gatekeeper.db),
{PREFIX}REDIS_URL, {PREFIX}HEALTH_PORT (default 8080). See docs/configuration.md.

To see what the bot does without any credentials, run the demo:  python3 run.py demo"""


def credentials_missing(settings: Settings) -> bool:
    """Says what to set, on stderr, when the Telegram credentials are not all there."""
    missing = settings.missing_credentials()
    if missing:
        print(CREDENTIALS_HELP, file=sys.stderr)
        print("missing: " + ", ".join(missing), file=sys.stderr)
    return bool(missing)


def _run(_: argparse.Namespace, settings: Settings | None) -> int:
    assert settings is not None
    if credentials_missing(settings):
        return 2
    from gatekeeper.app import build
    from gatekeeper.observability.errors import report_errors_to_sentry
    from gatekeeper.observability.logging import configure_logging

    configure_logging(settings.log_level, json=settings.log_json)
    report_errors_to_sentry(settings)
    app = build(settings)
    return asyncio.run(app.run())


COMMAND = Command(
    name="run",
    help="run the bot (the default); SIGTERM or Ctrl-C stops it cleanly",
    examples=(
        "  python3 run.py\n"
        "  GATEKEEPER_LOG_JSON=true python3 run.py run\n"
        "exit status: 0 after a requested stop, 1 when the connection to Telegram is lost for"
        " good\n(a supervisor should restart it), 2 when the configuration is incomplete"
    ),
    run=_run,
)
