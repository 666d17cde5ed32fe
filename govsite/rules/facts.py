"""What the rules established about a site besides its findings, for the report.

A reviewer reading a 通报 must see why a veto fired: every column with its type, newest date
and status; the message statistics; each guide's elements; what the search returned. These
are computed by the same functions the rules use, so the table and the findings never
disagree.
"""

from __future__ import annotations

from typing import Any

from govsite.rules.availability import availability_facts
from govsite.rules.base import RuleContext
from govsite.rules.columns import site_columns
from govsite.rules.freshness import HOME_STALE, newest_home_item
from govsite.rules.interaction import message_stats
from govsite.rules.search import search_outcome
from govsite.rules.service import site_guides
from govsite.snapshot import SiteSnapshot


def site_facts(snap: SiteSnapshot, ctx: RuleContext) -> dict[str, Any]:
    """Availability for a site with probe history; columns, home freshness, messages,
    guides and search for a crawled site.

    Availability comes from the monitor's probes, not the crawl, so it is there even for a
    site the census itself could not get into.
    """
    availability = availability_facts(snap, ctx)
    if snap.blocked or snap.home is None or snap.home.html is None:
        return {"availability": availability} if availability is not None else {}
    newest, items, navigation_only = newest_home_item(snap, ctx)
    window = int(ctx.option(HOME_STALE, "window_days"))
    age = (ctx.as_of - newest.date).days if newest and newest.date else None
    facts: dict[str, Any] = {
        "home": {
            "items": len(items), "dated_items": sum(1 for i in items if i.date),
            "newest": newest.date.isoformat() if newest and newest.date else None,
            "newest_title": newest.title if newest else None,
            "newest_url": newest.url if newest else None, "navigation_only": navigation_only,
            "age_days": age, "allowed_days": window,
            "status": "ok" if age is not None and age <= window else "stale",
        },
        "columns": [
            {"name": col.name, "url": col.url, "type": col.type_name, "level": col.level,
             "pages": len(col.pages), "items": len(col.items),
             "dated_items": sum(1 for i in col.items if i.date),
             "newest": col.newest.date.isoformat() if col.newest and col.newest.date else None,
             "allowed": col.type.allowed if col.type else None,
             "age_days": col.age_days(ctx.as_of), "status": col.status(ctx.as_of)}
            for col in site_columns(snap, ctx)
        ],
        "messages": message_stats(snap, ctx.as_of),
        "guides": site_guides(snap),
    }
    outcome = search_outcome(snap)
    if outcome is not None:
        facts["search"] = {k: v for k, v in outcome.items() if k != "excerpt"}
    if availability is not None:
        facts["availability"] = availability
    return facts
