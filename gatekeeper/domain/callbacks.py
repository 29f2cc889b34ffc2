"""The data carried by the notice's "I have joined" button (at most 64 bytes, untrusted)."""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.domain.model import Channel

_PREFIX = b"gk1:v:"
JOIN_PREFIX = b"gk1:j:"  # a join request's "I have joined", pressed in a private chat


@dataclass(frozen=True, slots=True)
class VerifyRequest:
    """Who the notice was for; the button always verifies whoever presses it."""

    user_id: int


def encode_verify(user_id: int) -> bytes:
    return _PREFIX + str(user_id).encode()


def decode_verify(data: bytes | None) -> VerifyRequest | None:
    """The request, or None for data that is not a well-formed button of ours."""
    if not data or len(data) > 64 or not data.startswith(_PREFIX):
        return None
    digits = data[len(_PREFIX) :]
    if not digits.isdigit() or len(digits) > 19 or int(digits) >= 2**63:
        return None
    return VerifyRequest(int(digits))


def encode_join(group_id: int) -> bytes:
    """The private message's button: which group's request to look at (the presser's own)."""
    return JOIN_PREFIX + str(group_id).encode()


def decode_join(data: bytes | None) -> int | None:
    """The group a join button names, or None for data that is not one of them."""
    if not data or len(data) > 64 or not data.startswith(JOIN_PREFIX):
        return None
    text = data[len(JOIN_PREFIX) :]
    digits = text[1:] if text.startswith(b"-") else text
    if not digits.isdigit() or len(digits) > 19 or int(digits) >= 2**63:
        return None
    return int(text)


@dataclass(frozen=True, slots=True)
class NoticeButtons:
    """A notice's keyboard, described: a join button per channel that has a link, then the
    "I have joined" button carrying `verify_data`; the labels are in the group's language.
    The adapter builds Telegram's buttons."""

    channels: tuple[Channel, ...]
    verify_data: bytes
    join_labels: tuple[str, ...]  # one per channel
    verify_label: str
