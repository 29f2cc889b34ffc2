"""Logs, metrics and the health endpoint: how an operator sees Gatekeeper."""

from gatekeeper.observability.health import HealthServer, ReadinessCheck
from gatekeeper.observability.logging import configure_logging, redact_secrets
from gatekeeper.observability.metrics import Metrics

__all__ = ["HealthServer", "Metrics", "ReadinessCheck", "configure_logging", "redact_secrets"]
