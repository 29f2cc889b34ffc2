"""Telegram's errors grouped by what they mean to the bot, and worded for admins."""

from __future__ import annotations

from telethon import errors

from gatekeeper.domain.i18n import N_

# Errors that mean "the bot cannot see this chat", never "the user is not in it".
BROKEN_LINK_ERRORS: tuple[type[Exception], ...] = (
    errors.ChatAdminRequiredError,
    errors.ChannelPrivateError,
    errors.ChannelInvalidError,
    errors.ChatWriteForbiddenError,
    errors.PeerIdInvalidError,
)


# Errors about the user in a request, not about the chat: the bot cannot act on them.
USER_ERRORS: tuple[type[Exception], ...] = (
    errors.UserIdInvalidError,
    errors.ParticipantIdInvalidError,
    errors.InputUserDeactivatedError,  # a deleted account
)


def explain(error: BaseException) -> str:
    if isinstance(error, errors.ChatAdminRequiredError):
        return N_("I am not an admin there")
    if isinstance(error, errors.ChannelPrivateError):
        return N_("the chat is private to me or I was removed")
    if isinstance(error, errors.ChannelInvalidError | errors.PeerIdInvalidError):
        return N_("the chat does not exist or I cannot see it")
    if isinstance(error, errors.ChatWriteForbiddenError):
        return N_("I cannot write there")
    return str(error) or type(error).__name__
