"""An update that meets the database away (restarting, down): told apart from a bug, logged
as such, and answered with words that say so rather than silence."""

from __future__ import annotations

import structlog

from gatekeeper.domain.i18n import N_
from gatekeeper.storage.errors import unreachable

log = structlog.get_logger(__name__)

# To whoever pressed a button or wrote to the bot in private (an alert, or a reply).
TRY_AGAIN = N_("My database is not answering: please try again in a minute.")


def database_away(error: BaseException, kind: str, **where: object) -> bool:
    """Whether `error` says the database could not be reached; if so it is logged (a warning,
    `database_away`), and the caller answers instead of letting it escape."""
    if not unreachable(error):
        return False
    log.warning("database_away", kind=kind, reason=repr(error), **where)
    return True
