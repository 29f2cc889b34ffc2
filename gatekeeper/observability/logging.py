"""One log format for everything: structlog for our code, stdlib records routed through it.

Telethon, SQLAlchemy and Alembic log through the standard library; `configure_logging` puts a
single handler on the root logger whose `ProcessorFormatter` renders their records with the
same processors (ISO timestamps, level, logger name, secret redaction) as structlog's own.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED = "***"
_HANDLER_NAME = "gatekeeper"
_SECRET_KEY = re.compile(
    r"token|api_hash|password|passwd|secret|session_string|authorization|credential|dsn",
    re.IGNORECASE,
)
# Credentials inside URLs (redis://:pw@host, postgresql://user:pw@host) in any string value.
# The password runs to the last "@" before a space: it may itself hold "@", "/" or ":".
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*):\S+@", re.IGNORECASE)

_QUIET_LIBRARIES = ("telethon", "sqlalchemy.engine", "alembic", "asyncio", "aiosqlite")


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return _URL_PASSWORD.sub(rf"\g<scheme>:{REDACTED}@", value) if "://" in value else value
    if isinstance(value, Mapping):
        return {k: REDACTED if _is_secret(k) else _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(v) for v in value)
    return value


def _is_secret(key: object) -> bool:
    return isinstance(key, str) and _SECRET_KEY.search(key) is not None


def redact_secrets(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """A structlog processor: hides values of keys named like secrets, and URL passwords."""
    for key, value in list(event_dict.items()):
        if _is_secret(key):
            event_dict[key] = REDACTED
        elif not key.startswith("_"):  # structlog's own (the foreign LogRecord): left alone
            event_dict[key] = _redact_value(value)
    return event_dict


# Lines that report something the bot did to a member: each carries group, member, action and
# reason (a call site's own `reason` wins over the default here).
ACTION_LINES: dict[str, tuple[str, str]] = {
    "muted": ("mute", "not subscribed to every required channel"),
    "release": ("release", "the member may write again (subscribed, or protection is off)"),
    "release_taken_over": ("release", "an admin changed the member's rights meanwhile"),
    "restriction_taken_over": ("forget", "an admin changed the member's rights by hand"),
    "deleted": ("delete", "written by a member who has not subscribed"),
    "notice": ("notice", "told the muted member which channels to join"),
    "action_postponed": ("postpone", "Telegram asked the bot to wait"),
    "action_failed": ("fail", "Telegram refused"),
    "kick": ("kick", "muted by the bot for the group's kick time (/settings kick)"),
    "notice_dropped": ("drop_notice", "released, gone or promoted while the notice waited"),
}
_ACTION_REPR = re.compile(
    r"^(?P<kind>\w+)\(group_id=(?P<group>-?\d+)(?:.*?(?:user_id|author_id)=(?P<member>\d+))?"
)


def action_fields(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """A structlog processor: gives every action line its group, member, action and reason."""
    known = ACTION_LINES.get(str(event_dict.get("event")))
    if known is None:
        return event_dict
    action, reason = known
    described = _ACTION_REPR.match(str(event_dict.get("action", "")))
    if described is not None:  # postponed and failed lines name the action they were about
        action = f"{action}:{described['kind'].lower()}"
        event_dict.setdefault("group_id", int(described["group"]))
        if described["member"]:
            event_dict.setdefault("user_id", int(described["member"]))
    event_dict["group"] = event_dict.get("group_id")
    event_dict["member"] = event_dict.get("user_id")
    event_dict["action"] = action
    missing = event_dict.get("missing")
    if "reason" not in event_dict and missing:
        reason = "not subscribed to " + ", ".join(str(c) for c in missing)
    event_dict.setdefault("reason", reason)
    return event_dict


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        action_fields,
        redact_secrets,
    ]


def configure_logging(
    level: str = "INFO",
    json: bool | None = None,
    *,
    stream: TextIO | None = None,
    library_level: str = "WARNING",
) -> None:
    """Configures structlog and the stdlib root logger; safe to call more than once.

    `json=True` writes one JSON object per line (for log shippers), `json=False` readable
    console lines (coloured on a terminal); `json=None` picks JSON unless `stream` is a
    terminal. Noisy libraries (Telethon, SQLAlchemy's engine, Alembic) log at `library_level`
    unless `level` is stricter.
    """
    numeric = logging.getLevelNamesMapping().get(level.upper())
    if numeric is None:
        raise ValueError(f"unknown log level: {level!r}")
    out = stream if stream is not None else sys.stderr
    if json is None:
        json = not out.isatty()
    shared = _shared_processors()
    renderer: Processor
    if json:
        renderer = structlog.processors.JSONRenderer()
        # Tracebacks as data, without frame locals: a local may hold a token.
        no_locals = structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        exceptions: Processor = structlog.processors.ExceptionRenderer(no_locals)
    else:
        exceptions = structlog.processors.format_exc_info
        renderer = structlog.dev.ConsoleRenderer(
            colors=out.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    # Tracebacks become text before redaction, so a password in an error message is hidden too.
    shared.insert(shared.index(redact_secrets), exceptions)

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        context_class=dict,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:  # ours, from an earlier call; others are kept
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    library = max(numeric, logging.getLevelNamesMapping().get(library_level.upper(), 30))
    for name in _QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(library)


def bind_context(**values: Any) -> None:
    """Adds values (update id, group id, ...) to every log line of the current task."""
    structlog.contextvars.bind_contextvars(**values)


def clear_context() -> None:
    structlog.contextvars.clear_contextvars()


__all__: list[str] = [
    "ACTION_LINES",
    "REDACTED",
    "action_fields",
    "bind_context",
    "clear_context",
    "configure_logging",
    "redact_secrets",
]
