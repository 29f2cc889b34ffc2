"""What the storage layer raises when asked to change something that is not there, and how to
tell a database that cannot be reached (restarting, down) from a bug."""

from __future__ import annotations

from sqlalchemy import exc


class NotFound(LookupError):
    """The group or channel a write refers to does not exist."""


def unreachable(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection: the work waits for it."""
    if isinstance(error, OSError):  # refused, reset: asyncpg and aiosqlite raise these as is
        return True
    if isinstance(error, exc.DBAPIError):
        return error.connection_invalidated or isinstance(
            error, exc.OperationalError | exc.InterfaceError
        )
    return False
