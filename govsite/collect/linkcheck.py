"""Link checking: one `LinkCheck` per distinct target, with a run-wide cache for external ones.

**GET, never HEAD.** Every target is fetched with one GET that reads only what the verdict
needs: the first 4 KB of a non-HTML answer (then the connection is dropped, so a 200 MB
attachment costs 4 KB), up to 32 KB of an external HTML answer (enough to recognise a WAF
page), and up to 512 KB of a same-site HTML answer (to compare it with the site's soft-404
fingerprint). HEAD-first was rejected because gov servers often break it — 405/501, a 403 from
a WAF that lets GET through, or a 200 whose Content-Type differs from GET's — so a HEAD result
would need a GET fallback anyway, costing two requests for exactly the targets that matter,
and `html_for_attachment` must see the Content-Type a browser gets, which is GET's.

Verdicts (`ok`): True for a 2xx after redirects; False for 4xx/5xx, dns, refused, tls, reset,
timeout and too_many_redirects once retries are spent, an invalid URL, an attachment answered
with an HTML page (`html_for_attachment`) and a same-site soft-404 (`soft_404`); None — not
measured — for robots_denied, a WAF page (`blocked`), an unsupported scheme (ftp: …) and a 429
that outlived its retries (rate limited is not broken).

The cache follows lychee: results that a retry might change (transient errors, WAF pages) are
never cached, so one bad moment of a shared server cannot mark it broken for every site.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from govsite.collect import errors, soft404
from govsite.collect.fetch import Fetcher, FetchResult, FetchStats, ReadLimits, now_iso
from govsite.collect.robots import Robots
from govsite.collect.urls import HTTP_SCHEMES, host_of, is_attachment, scheme_of
from govsite.collect.waf import MAX_CHALLENGE_BYTES
from govsite.snapshot import LinkCheck

# Same-site HTML targets are read far enough to fingerprint them against the soft-404 page
# (not-found templates are small; a 512 KB page is nobody's 404 page).
LINK_HTML_BYTES = 512_000
# External HTML targets are only read far enough to recognise a challenge page.
EXTERNAL_LIMITS = ReadLimits(html=MAX_CHALLENGE_BYTES)

NOT_MEASURED_ERRORS = frozenset({errors.ROBOTS_DENIED, errors.BLOCKED, errors.UNSUPPORTED_SCHEME})
HTML_FOR_ATTACHMENT = "html_for_attachment"
SOFT_404 = "soft_404"


def judge(result: FetchResult, *, fingerprint: dict[str, Any] | None) -> LinkCheck:
    """The `LinkCheck` for a fetch result (`fingerprint`: the site's soft-404, same-site only)."""
    check = LinkCheck(
        url=result.url,
        ok=None,
        status=result.status,
        error=result.error,
        final_url=result.final_url,
        content_type=result.content_type,
        attempts=result.attempts,
        elapsed_ms=result.elapsed_ms,
        checked_at=result.fetched_at,
    )
    status = result.status
    if result.error in NOT_MEASURED_ERRORS or status == 429:
        return check
    check.ok = result.error is None and status is not None and 200 <= status < 300
    if not check.ok:
        return check
    if is_attachment(result.url) and "html" in result.content_type:
        check.ok, check.reason = False, HTML_FOR_ATTACHMENT
    elif soft404.matches(
        fingerprint,
        url=result.url,
        status=status,
        html=result.text,
        final_url=result.final_url,
        redirected=bool(result.redirects),
    ):
        check.ok, check.reason = False, SOFT_404
    return check


def _cacheable(check: LinkCheck) -> bool:
    # Do not cache what a retry might change: transient failures, and WAF pages, which
    # rate-based WAFs serve only while they feel crowded.
    return check.error != errors.BLOCKED and not errors.is_transient(check.error, check.status)


class LinkChecker:
    """Checks link targets; owns the run-wide cache of external results."""

    def __init__(self, fetcher: Fetcher, robots: Robots, *, max_body_bytes: int) -> None:
        self._fetcher = fetcher
        self._robots = robots
        self.same_site_limits = ReadLimits(html=min(LINK_HTML_BYTES, max_body_bytes))
        self._cache: dict[str, LinkCheck] = {}

    async def check_all(
        self,
        targets: list[str],
        *,
        scope: set[str],
        fingerprint: dict[str, Any] | None,
        stats: FetchStats,
    ) -> dict[str, LinkCheck]:
        """Check every target at once; the host slots, not this loop, pace each server."""
        checks = await asyncio.gather(
            *(
                self.check(
                    url, same_site=host_of(url) in scope, fingerprint=fingerprint, stats=stats
                )
                for url in targets
            )
        )
        return dict(zip(targets, checks, strict=True))

    async def check(
        self,
        url: str,
        *,
        same_site: bool,
        fingerprint: dict[str, Any] | None,
        stats: FetchStats,
    ) -> LinkCheck:
        """Check one target. Same-site targets may go unverified over TLS (the site's own bad
        certificate is one finding, not one per image) and are matched against the soft-404
        fingerprint; they are not cached, since only their own site links to them as such."""
        if same_site:
            return await self._check(url, same_site=True, fingerprint=fingerprint, stats=stats)
        cached = self._cache.get(url)
        if cached is not None:
            return replace(cached)
        check = await self._check(url, same_site=False, fingerprint=None, stats=stats)
        if _cacheable(check):
            self._cache[url] = replace(check)
        return check

    async def _check(
        self,
        url: str,
        *,
        same_site: bool,
        fingerprint: dict[str, Any] | None,
        stats: FetchStats,
    ) -> LinkCheck:
        scheme = scheme_of(url)
        if scheme not in HTTP_SCHEMES:
            error = errors.UNSUPPORTED_SCHEME if scheme else errors.INVALID_URL
            return LinkCheck(
                url=url, ok=None if scheme else False, error=error, checked_at=now_iso()
            )
        if not await self._robots.allowed(url, stats):
            return LinkCheck(url=url, ok=None, error=errors.ROBOTS_DENIED, checked_at=now_iso())
        limits = self.same_site_limits if same_site else EXTERNAL_LIMITS
        result = await self._fetcher.fetch(url, limits=limits, stats=stats, lenient_tls=same_site)
        return judge(result, fingerprint=fingerprint)
