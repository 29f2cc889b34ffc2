"""Methods Telegram keeps from bots: they answer 400 BOT_METHOD_INVALID, whatever the input.

Those a Telethon bot reaches by accident (iter_messages, get_dialogs, joining by a link);
each method's page says "Only users can use this method" (core.telegram.org/method/...).
"""

from __future__ import annotations

from telethon.tl import functions

USER_ONLY: frozenset[type] = frozenset(
    {
        functions.messages.GetDialogsRequest,  # client.get_dialogs / iter_dialogs
        functions.messages.GetHistoryRequest,  # client.iter_messages(chat) without ids
        functions.messages.SearchRequest,  # iter_messages(search=..., filter=...)
        functions.messages.SearchGlobalRequest,
        functions.messages.CheckChatInviteRequest,  # get_entity("t.me/+...")
        functions.messages.ImportChatInviteRequest,  # joining by an invite link
        functions.channels.JoinChannelRequest,
        functions.channels.GetAdminLogRequest,  # iter_admin_log
        functions.contacts.SearchRequest,
        functions.contacts.GetContactsRequest,
    }
)
