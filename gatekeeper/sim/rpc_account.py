"""Handlers for login, config, users, usernames, bot commands and update state/difference."""

from __future__ import annotations

import re
from typing import Any

from telethon.tl import functions, types

from gatekeeper.sim.entities import chat_tl, to_datetime, user_tl
from gatekeeper.sim.errors import RpcFail
from gatekeeper.sim.rpc import Call, handles


@handles(functions.help.GetConfigRequest)
def get_config(call: Call) -> Any:
    now = call.sim.clock.now()
    return types.Config(
        date=to_datetime(now),
        expires=to_datetime(now + 3600),
        test_mode=False,
        this_dc=2,
        dc_options=[types.DcOption(id=2, ip_address="149.154.167.51", port=443)],
        dc_txt_domain_name="apv3.stel.com",
        chat_size_max=200,
        megagroup_size_max=200000,
        forwarded_count_max=100,
        online_update_period_ms=210000,
        offline_blur_timeout_ms=5000,
        offline_idle_timeout_ms=30000,
        online_cloud_timeout_ms=300000,
        notify_cloud_delay_ms=30000,
        notify_default_delay_ms=1500,
        push_chat_period_ms=60000,
        push_chat_limit=2,
        edit_time_limit=172800,
        revoke_time_limit=2147483647,
        revoke_pm_time_limit=2147483647,
        rating_e_decay=2419200,
        stickers_recent_limit=200,
        channels_read_media_period=604800,
        call_receive_timeout_ms=20000,
        call_ring_timeout_ms=90000,
        call_connect_timeout_ms=30000,
        call_packet_timeout_ms=10000,
        me_url_prefix="https://t.me/",
        caption_length_max=1024,
        message_length_max=4096,
        webfile_dc_id=4,
    )


@handles(functions.auth.ImportBotAuthorizationRequest)
def import_bot_authorization(call: Call) -> Any:
    token = call.request.bot_auth_token
    bot = next((u for u in call.world.users.values() if u.is_bot and u.token == token), None)
    if bot is None:
        raise RpcFail(400, "ACCESS_TOKEN_INVALID")
    call.sim.log_in(call.sender.auth_key, bot.id)
    return types.auth.Authorization(user=user_tl(bot, bot.id))


@handles(functions.users.GetUsersRequest)
def get_users(call: Call) -> Any:
    out: list[Any] = []
    for obj in call.request.id:
        try:
            out.append(user_tl(call.user(obj, zero_hash_ok=True), call.bot_id))
        except RpcFail as fail:
            if fail.code == 401 or fail.message == "FROM_MESSAGE_BOT_DISABLED":
                raise
            out.append(types.UserEmpty(id=getattr(obj, "user_id", 0)))
    return out


USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
"""What may be a username (5-32 characters; Telegram keeps some 4-letter ones, as the sim's
fixtures do); anything else gets USERNAME_INVALID, an unknown one USERNAME_NOT_OCCUPIED."""


@handles(functions.contacts.ResolveUsernameRequest)
def resolve_username(call: Call) -> Any:
    found = call.world.find_username(call.request.username)
    if found is None and not USERNAME.fullmatch(call.request.username):
        raise RpcFail(400, "USERNAME_INVALID")
    if found is None:
        raise RpcFail(400, "USERNAME_NOT_OCCUPIED")
    if hasattr(found, "is_bot"):
        user = call.world.users[found.id]
        return types.contacts.ResolvedPeer(
            peer=types.PeerUser(user.id), chats=[], users=[user_tl(user, call.bot_id)]
        )
    chat = call.world.chats[found.id]
    return types.contacts.ResolvedPeer(
        peer=types.PeerChannel(chat.id), chats=[chat_tl(chat, call.bot_id)], users=[]
    )


@handles(functions.bots.SetBotCommandsRequest)
def set_bot_commands(call: Call) -> Any:
    commands = [(c.command, c.description) for c in call.request.commands]
    if call.request.lang_code:
        call.bot.commands_by_language[call.request.lang_code] = commands
    else:
        call.bot.commands = commands
    return True


@handles(functions.updates.GetStateRequest)
def get_state(call: Call) -> Any:
    return call.sim.hub.state(call.bot_id)


@handles(functions.updates.GetDifferenceRequest)
def get_difference(call: Call) -> Any:
    return call.sim.hub.difference(call.bot_id, call.request.pts, call.request.qts)


@handles(functions.updates.GetChannelDifferenceRequest)
def get_channel_difference(call: Call) -> Any:
    chat = call.chat(call.request.channel)
    if not chat.is_participant(call.bot_id):
        raise RpcFail(400, "CHANNEL_PRIVATE")
    return call.sim.hub.channel_difference(call.bot_id, chat, call.request.pts)
