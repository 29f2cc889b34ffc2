"""Errors to Sentry, when a DSN is configured (the optional `sentry` extra)."""

from __future__ import annotations

from typing import Any

import structlog

from gatekeeper.settings import Settings

log = structlog.get_logger(__name__)


def report_errors_to_sentry(settings: Settings, **options: Any) -> bool:
    """Starts the Sentry SDK when `GATEKEEPER_SENTRY_DSN` is set; True if it did.

    Logged errors (`log.exception`, level ERROR) become Sentry events through the SDK's logging
    integration; unhandled exceptions too. `options` go to `sentry_sdk.init` (tests pass a
    `before_send`). No local variables are sent (they may hold tokens), nor personal data.
    """
    if settings.sentry_dsn is None:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.logging import LoggingIntegration
    except ImportError:
        log.warning("sentry_unavailable", hint="pip install 'gatekeeper[sentry]'")
        return False
    import logging

    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.sentry_environment,
        include_local_variables=False,
        integrations=[LoggingIntegration(level=None, event_level=logging.ERROR)],
        **options,
    )
    return True
