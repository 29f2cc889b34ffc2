"""Command line: `python run.py [run|demo|migrate|bench]` (`python -m gatekeeper` is the same)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from gatekeeper.settings import PREFIX, Settings, SettingsError, load_settings

CREDENTIALS_HELP = f"""\
gatekeeper: no Telegram credentials yet. Set these (in the environment or in a .env file here):

  {PREFIX}API_ID=1234567          your app's api_id, from https://my.telegram.org (API tools)
  {PREFIX}API_HASH=0123456789abcdef0123456789abcdef   the api_hash shown beside it
  {PREFIX}BOT_TOKEN=123456:ABC-DEF...               from @BotFather (/newbot)

Optional: {PREFIX}DATABASE_URL (default sqlite+aiosqlite:///gatekeeper.db),
{PREFIX}REDIS_URL, {PREFIX}HEALTH_PORT (default 8080). See docs/configuration.md.

To see what the bot does without any credentials, run the demo:  python3 run.py demo"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gatekeeper", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("demo", help="play the product's stories against a simulated Telegram")
    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("revision", nargs="?", default="head", help="target (default: head)")
    migrate.add_argument("--down", action="store_true", help="downgrade to the revision instead")
    bench = sub.add_parser("bench", help="measure the bot against bare Telethon and a naive bot")
    from gatekeeper.bench import add_arguments

    add_arguments(bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"gatekeeper: bad configuration\n{error}", file=sys.stderr)
        return 2
    try:
        if command == "run":
            return _run(settings)
        if command == "demo":
            from gatekeeper.demo import play

            return asyncio.run(play())
        if command == "migrate":
            from gatekeeper.storage.cli import migrate

            return asyncio.run(migrate(settings.database_url, args.revision, down=args.down))
        if command == "bench":
            from gatekeeper.bench import options_from, run_bench

            return run_bench(options_from(args))
    except KeyboardInterrupt:
        return 130
    raise AssertionError(command)


def _run(settings: Settings) -> int:
    if settings.missing_credentials():
        print(CREDENTIALS_HELP, file=sys.stderr)
        print("missing: " + ", ".join(settings.missing_credentials()), file=sys.stderr)
        return 2
    from gatekeeper.app import build
    from gatekeeper.observability.logging import configure_logging

    configure_logging(settings.log_level, json=settings.log_json)
    app = build(settings)
    asyncio.run(app.run())
    return 0
