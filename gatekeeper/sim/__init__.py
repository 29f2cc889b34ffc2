"""Simulated Telegram: the project's one fake, behind Telethon's transport seam.

A real, unmodified ``telethon.TelegramClient`` talks to ``SimTelegram`` through ``SimSender``
(assigned to ``client._sender`` before ``connect()``). Telethon's ``_call``, MessageBox (pts/qts
gap checks), entity cache, sessions and event builders all run for real.

Building a world (actors are synchronous and push updates; ``await sim.settle()`` afterwards)::

    sim = SimTelegram(clock=FrozenClock(), seed=0)      # clock: anything with now() -> float
    bot = sim.create_bot("gatekeeper_bot")               # SimUser: .id .username .token .entity
    carol = sim.create_user("Carol", username="carol")
    group = sim.create_supergroup("Coffee chat", owner=carol, username=None)   # SimChat
    news = sim.create_channel("News", owner=carol, username="news")            # broadcast
    news.link_discussion(group)
    group.promote(bot, by=carol, ban_users=True, invite_users=True)  # no flags = every right
    news.demote(bot, by=carol)
    alice.join(group, quietly=False); alice.leave(group); alice.request_join(group)
    carol.add(group, alice, quietly=False)     # admin with invite_users, or any member while
    group.members_can_add = False              # ...this is True (the default; never in channels)
    alice.join_by_link(group, link=None, quietly=False)   # link None: the first, or a new one
    carol.approve_join(group, alice)
    msg = alice.send(group, "hi", media=None, reply_to=None)   # SimRefused(reason) if she may not
    alice.send_as(group, her_channel, "..."); carol.send_anonymously(group, "...")
    news.post("breaking")                 # auto-forwarded into the linked group
    alice.start_private(bot, "/start")    # private message to the bot (marks the bot started)
    query = await alice.press(msg, data=None)   # first callback button; settles; CallbackQuery
    query = alice.press_nowait(msg, b"data")
    carol.restrict(group, alice, send_messages=True, until=0); carol.unrestrict(group, alice)
    carol.kick(group, alice)

Arrivals push UpdateChannelParticipant to the chat's admin bots and, in supergroups, a service
message (none with ``quietly=True``, as large groups hide joins; none in broadcast channels)::

    join          ChatAddUser(users=[her]) from her;   actor_id her
    add           ChatAddUser(users=[user]) from adder; actor_id adder; inviter_id adder
    join_by_link  ChatJoinedByLink(inviter_id=link creator) from her; actor_id her;
                  invite=ChatInviteExported(link, admin_id=creator); inviter_id creator
    approve_join  ChatJoinedByRequest from her;         actor_id the approving admin

(Telethon's ChatAction fires for both the service message and the participant update.)

``add`` refuses CHAT_ADMIN_REQUIRED without the right and USER_KICKED for a banned user unless
the adder may ban; ``join``/``join_by_link`` refuse USER_BANNED_IN_CHANNEL; an unknown link is
INVITE_HASH_INVALID; arriving when already in is a no-op. New ``ChannelParticipant`` records
carry no inviter (the layer has no such field); the bot's own ``ChannelParticipantSelf`` does.

Text messages carry the entities Telegram detects (``gatekeeper.sim.text_entities``), with
UTF-16 offsets: MessageEntityBotCommand (``/cmd``, ``/cmd@bot`` anywhere), MessageEntityMention
(``@name``, 4-32 characters) and MessageEntityUrl (``http(s)://...``, bare ``t.me/...``). No
hashtags, e-mails or bare domains; of the entities a client sends only text links
(MessageEntityTextUrl, HTML ``<a href>``) are kept, in ``msg.links``; other formatting is not.

Forum topics (``gatekeeper.sim.topics``): ``group.enable_topics(by=carol)``; ``books =
group.create_topic("Books", by=carol)`` posts MessageActionTopicCreate (its id is the topic's);
``alice.send(group, "hi", reply_to=books)`` writes in it (MessageReplyHeader forum_topic=True);
a reply to any message in a topic lands in that topic, anything else in General;
``msg.topic`` (None: General) and ``group.topic_messages(books)`` ask where things landed.

Changing a chat (``updateChannel`` to the chat's bots, with the new entity bundled)::

    news.rename(carol, title="Daily news", username="dailynews")   # username=None: private
    group.set_join_to_send(True, by=carol)   # discussion group: only members may comment
    news.revoke_invite(link, by=carol)       # the link then gives INVITE_HASH_EXPIRED
    bob.comment(post, "...")   # reply to a post's forward in its discussion group; a
                               # non-member may, unless join_to_send (CHAT_GUEST_SEND_FORBIDDEN)
    sim.create_basic_group("Old friends", carol, bot) -> marked id (messages.getChats)

Restricting a non-member (EditBanned) records ``Role.RESTRICTED_LEFT``
(``ChannelParticipantBanned(left=True)``); it binds them as a commenter and once they join.
Texts over 4096 UTF-16 units (SendMessage, EditMessage) and callback answers over 200 get
MESSAGE_TOO_LONG.

Asking the world::

    group.can_write(alice) -> bool        group.is_member(alice) -> bool
    group.role(alice) -> Role             group.participant(alice) -> Participant | None
    group.messages(include_service=False) -> list[SimMessage]   (text, sender_user_id,
        sender_chat_id, fwd_from_chat_id, media, reply_to, buttons: list[list[SimButton]])
    group.message(id) / group.last_message() / group.members() / group.join_requests()
    group.invite_links() / group.peer_id (marked -100...) / group.entity / group.input_peer
    alice.private_messages_from(bot) -> list[SimMessage]
    sim.callback_answers -> list[CallbackQuery]   sim.requests -> Counter by request class name
    sim.user(id) / sim.chat(bare or marked id) / sim.world (raw dataclasses)

Connecting the bot::

    client = sim.client(bot, session=None, flood_sleep_threshold=0, catch_up=True)  # not connected
    await client.start(bot_token=bot.token)
    client = await sim.connect(bot, session=None, **client_kwargs)   # both steps
    await sim.settle(max_seconds=30.0)  # queues drained, handler tasks done, no gaps/in-flight

Faults: ``sim.faults.flood_wait(Request | "Name", seconds, times=1)``,
``sim.faults.error(Request | "Name", code, "MESSAGE", times=1)``, ``sim.faults.latency(seconds)``,
``sim.faults.drop_connection(times=1)`` (the connection drops under the next requests after
Telegram carried them out; as Telethon's sender does, the client reconnects and sends each
again, so it is carried out twice: a repeated ``random_id`` gets the first answer),
``sim.faults.lose_connection()`` (every reconnection fails, as when Telethon gives up: the next
request fails with ConnectionError, the client is disconnected, later requests fail at once),
``sim.faults.flood_limit(Request | "Name", calls=N, per_seconds=S)`` (Telegram's flood limit
per request type, by the sim's clock; ``sim.faults.flood_waits`` counts the waits it gave),
``sim.faults.withhold(UpdateType | "Name")`` (such updates are no longer pushed live; they
still count in qts/pts), ``sim.faults.clear()``.

Listing (channels.GetParticipants) follows Telegram: pages of at most 200; Recent (newest
first) and Search reach at most 10,000 members of a supergroup and about 200 subscribers of a
broadcast channel (``count`` still says how many match); Search matches the start of any word
of the first name, last name or username; Admins, Banned, Kicked and Bots list what they say.

Answered requests: help.GetConfig, auth.ImportBotAuthorization, users.GetUsers,
contacts.ResolveUsername, bots.SetBotCommands, updates.GetState/GetDifference/
GetChannelDifference, channels.GetChannels/GetFullChannel/GetParticipant/GetParticipants/
EditBanned/EditAdmin/DeleteMessages/GetMessages, messages.SendMessage/EditMessage/
SetBotCallbackAnswer/HideChatJoinRequest/ExportChatInvite/GetExportedChatInvite/
EditExportedChatInvite/GetChats. Methods only users may call (``gatekeeper.sim.bot_methods``)
get BOT_METHOD_INVALID, inputs "from message" FROM_MESSAGE_BOT_DISABLED, as Telegram answers
bots. Anything else raises ``NotImplementedError("sim does not model <RequestName>")`` in the
caller.
"""

from gatekeeper.sim.actors import SimChat, SimUser
from gatekeeper.sim.errors import SimNotSettled, SimRefused
from gatekeeper.sim.server import SimTelegram
from gatekeeper.sim.world import CallbackQuery, Participant, Role, SimButton, SimMessage

__all__ = [
    "CallbackQuery",
    "Participant",
    "Role",
    "SimButton",
    "SimChat",
    "SimMessage",
    "SimNotSettled",
    "SimRefused",
    "SimTelegram",
    "SimUser",
]
