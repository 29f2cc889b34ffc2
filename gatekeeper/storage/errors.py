"""What the storage layer raises when asked to change something that is not there."""

from __future__ import annotations


class NotFound(LookupError):
    """The group or channel a write refers to does not exist."""
