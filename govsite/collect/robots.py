"""robots.txt: read once per origin, obeyed by default (RFC 9309).

A small parser of our own rather than `urllib.robotparser`, which ignores the `*` and `$`
patterns RFC 9309 standardised and that CMS-generated robots files use (`Disallow: /*.jsp$`).

What an unreadable robots.txt means:
- 2xx: parse it.
- 4xx: no rules, crawl everything (RFC 9309 §2.3.1.3).
- 5xx after retries: disallow everything (RFC 9309 §2.3.1.4); the site is then reported as
  robots-denied, i.e. not measured, never accused.
- no answer at all (dns, refused, timeout, tls) or a WAF page: allow. Deliberate deviation:
  the home-page fetch that follows meets the same failure and records the truer diagnosis,
  "unreachable" or "waf", instead of a robots denial we merely inferred.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from govsite.collect import errors
from govsite.collect.fetch import Fetcher, FetchStats, ReadLimits
from govsite.collect.urls import HTTP_SCHEMES, host_of, normalize_url, scheme_of

# RFC 9309 §2.5: crawlers must parse at least 500 KiB of a robots file.
ROBOTS_LIMITS = ReadLimits(html=512_000, other=512_000)


@dataclass(frozen=True)
class _Rule:
    allow: bool
    length: int  # the pattern's length: the longest (most specific) match wins
    pattern: re.Pattern[str]


@dataclass
class RobotsRules:
    """The rules of one origin that apply to our user agent."""

    rules: list[_Rule] = field(default_factory=list)
    disallow_all: bool = False
    sitemaps: list[str] = field(default_factory=list)

    def allowed(self, path: str) -> bool:
        """Whether `path` (path plus query) may be fetched; the robots file itself always."""
        if path == "/robots.txt":
            return True
        if self.disallow_all:
            return False
        best: _Rule | None = None
        for rule in self.rules:
            if rule.pattern.match(path) and (
                best is None
                or rule.length > best.length
                or (rule.length == best.length and rule.allow)  # §2.2.2: allow wins ties
            ):
                best = rule
        return best is None or best.allow


def _compile(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = ".*".join(re.escape(part) for part in pattern.rstrip("$").split("*"))
    return re.compile(body + (r"\Z" if anchored else ""))


def parse_robots(text: str, agent: str) -> RobotsRules:
    """The rules for product token `agent` (its own groups if any, else the `*` groups)."""
    agent = agent.lower()
    groups: dict[str, list[_Rule]] = {}
    sitemaps: list[str] = []
    current: list[str] = []
    in_rules = False
    for line in text.splitlines():
        key, sep, value = line.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep:
            continue
        if key == "sitemap" and value:
            sitemaps.append(value)
        elif key == "user-agent":
            if in_rules:  # a user-agent line after rules starts a new group
                current, in_rules = [], False
            current.append(value.lower())
            for name in current:
                groups.setdefault(name, [])
        elif key in ("allow", "disallow") and current:
            in_rules = True
            if value:  # an empty Disallow means "nothing is disallowed"
                rule = _Rule(key == "allow", len(value), _compile(value))
                for name in current:
                    groups[name].append(rule)
    rules = groups.get(agent, groups.get("*", []))
    return RobotsRules(rules=rules, sitemaps=sitemaps)


def _origin(url: str) -> str:
    parts = urlsplit(normalize_url(url))
    return f"{parts.scheme}://{parts.netloc}"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class Robots:
    """A run-wide cache of robots rules, fetched on first use per origin."""

    def __init__(self, fetcher: Fetcher, *, user_agent: str, obey: bool) -> None:
        self._fetcher = fetcher
        # The product token is the UA up to its first "/" ("govsite"), as RFC 9309 §2.2.1 asks.
        self._agent = user_agent.split("/", 1)[0].strip()
        self._obey = obey
        self._loads: dict[str, asyncio.Future[RobotsRules]] = {}

    async def rules(self, url: str, stats: FetchStats) -> RobotsRules:
        origin = _origin(url)
        task = self._loads.get(origin)
        if task is None:
            task = self._loads[origin] = asyncio.ensure_future(self._load(origin, stats))
        return await asyncio.shield(task)

    async def allowed(self, url: str, stats: FetchStats) -> bool:
        """Whether robots lets us fetch `url` (URLs that cannot be fetched at all pass, so
        that the fetch itself records why)."""
        if not self._obey or scheme_of(url) not in HTTP_SCHEMES or not host_of(url):
            return True
        return (await self.rules(url, stats)).allowed(_path(url))

    async def _load(self, origin: str, stats: FetchStats) -> RobotsRules:
        result = await self._fetcher.fetch(
            f"{origin}/robots.txt", limits=ROBOTS_LIMITS, stats=stats, lenient_tls=True
        )
        if result.status is not None and 200 <= result.status < 300 and result.error is None:
            return parse_robots(result.body.decode("utf-8", errors="replace"), self._agent)
        if result.error == errors.HTTP_5XX:
            return RobotsRules(disallow_all=True)
        return RobotsRules()
