"""`gatekeeper stats`: the groups, their channels' health, who is muted, what the bot did lately."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime
from typing import Any, TextIO

from gatekeeper.cli.command import Command, json_flag, print_json, print_table, report_command
from gatekeeper.settings import Settings
from gatekeeper.storage import Storage, create_engine

RECENT = 5
# Audit actions that mean "a muted member proved they had subscribed".
VERIFIED = ("release",)


async def gather(settings: Settings, recent: int = RECENT) -> dict[str, Any]:
    """Read from the database alone: works while the bot runs, or without Telegram."""
    storage = Storage.on(create_engine(settings.database_url))
    try:
        if settings.bot_id is None:
            raise ValueError("the bot token names the bot whose records to read")
        await storage.bind(settings.bot_id)
        groups: list[dict[str, Any]] = []
        muted = Counter(r.group_id for r in await storage.restrictions.all())
        requests = Counter(r.chat_id for r in await storage.join_requests.all())
        for rules in await storage.groups.load_all():
            counts = await storage.audit.counts(rules.group_id)
            entries = await storage.audit.recent(rules.group_id, recent)
            groups.append(
                {
                    "id": rules.group_id,
                    "title": rules.title,
                    "protected": rules.protected,
                    "bot_state": str(rules.bot_state),  # ok, demoted, removed
                    "links": [
                        {
                            "channel": link.channel.label,
                            "healthy": link.healthy,
                            "problem": link.problem,
                        }
                        for link in rules.links
                    ],
                    "muted": muted[rules.group_id],
                    "join_requests": requests[rules.group_id],  # waiting for an answer
                    "verified": sum(counts.get(action, 0) for action in VERIFIED),
                    "actions": counts,
                    "recent": [
                        {"at": _when(e.at), "action": e.action, "user_id": e.user_id}
                        for e in entries
                    ],
                }
            )
    finally:
        await storage.close()
    links = [link for g in groups for link in g["links"]]
    totals = {
        "protected_groups": sum(bool(g["protected"]) for g in groups),
        "unguarded_groups": sum(g["bot_state"] != "ok" for g in groups),
        "links": len(links),
        "unhealthy_links": sum(not link["healthy"] for link in links),
        "muted": sum(int(g["muted"]) for g in groups),
        "verified": sum(int(g["verified"]) for g in groups),
        "join_requests": sum(int(g["join_requests"]) for g in groups),
    }
    return {"totals": totals, "groups": groups}


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def render(report: dict[str, Any], out: TextIO) -> None:
    totals = report["totals"]
    print(
        f"{totals['protected_groups']} protected group(s), {totals['links']} channel link(s)"
        f" ({totals['unhealthy_links']} unhealthy), {totals['muted']} member(s) muted by the"
        f" bot, {totals['verified']} verified after a mute",
        file=out,
    )
    for group in report["groups"]:
        state = "protected" if group["protected"] else "not protected"
        if group["bot_state"] != "ok":
            state += f", bot {group['bot_state']}: it acts on nobody here"
        print(f"\n{group['title'] or group['id']} ({group['id']}), {state}", file=out)
        waiting = (
            f", join requests waiting {group['join_requests']}" if group["join_requests"] else ""
        )
        print(f"  muted {group['muted']}, verified {group['verified']}{waiting}", file=out)
        for link in group["links"]:
            health = "healthy" if link["healthy"] else f"UNHEALTHY: {link['problem']}"
            print(f"  channel {link['channel']}: {health}", file=out)
        if group["recent"]:
            rows = [(e["at"], e["action"], str(e["user_id"] or "")) for e in group["recent"]]
            print_table(rows, ("  when", "action", "member"), out)


async def stats(settings: Settings, *, as_json: bool = False, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        report = await gather(settings)
    except Exception as error:
        print(
            f"gatekeeper: cannot read the database ({type(error).__name__});"
            " `python3 run.py doctor` says why",
            file=sys.stderr,
        )
        return 1
    if as_json:
        print_json(report, out)
    else:
        render(report, out)
    return 0


COMMAND = Command(
    name="stats",
    help="protected groups, link health, muted and verified members, recent actions",
    examples="  python3 run.py stats\n  python3 run.py stats --json | jq .totals",
    run=report_command(stats),
    arguments=json_flag,
)
