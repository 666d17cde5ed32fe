"""The page cap of a site crawled in sections, shared by its sections' tasks through Redis.

A whole crawl stops at `--max-pages`. A split site's sections run in different processes,
so each one asks this budget before fetching a page: the site as a whole then never takes more
than its cap, while which pages fall under it depends on which section asked first. The
budget is a Redis hash of pages taken per section. A section that runs again (its worker
died) starts from zero, and the counts of the sections already done are set from the store,
so a lost Redis or a dead task never eats into the cap for good.
"""

from __future__ import annotations

from collections.abc import Mapping

from redis.asyncio import Redis

from govsite.work.claims import FAILURES_TTL_S, KEY_PREFIX

# KEYS[1] hash; ARGV: section, cap, ttl s. Takes one page for the section if the sum allows.
_TAKE = """
local taken = 0
for _, n in ipairs(redis.call('HVALS', KEYS[1])) do taken = taken + tonumber(n) end
if taken >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


class SectionBudget:
    """One section's side of its site's shared page budget (`collect.crawl.PageBudget`)."""

    def __init__(self, redis: Redis, run_id: str, site_code: str, section: int, cap: int) -> None:
        self._redis = redis
        self._key = f"{KEY_PREFIX}{run_id}:pages:{site_code}"
        self._section = str(section)
        self._cap = max(0, cap)
        self._take = redis.register_script(_TAKE)

    async def start(self, done: Mapping[int, int]) -> None:
        """Begin this section at zero, with the pages the `done` sections took (index →
        pages) as the store recorded them."""
        counts = {str(i): n for i, n in done.items()}
        counts[self._section] = 0
        await self._redis.hset(self._key, mapping=counts)
        await self._redis.expire(self._key, FAILURES_TTL_S)

    async def take(self) -> bool:
        return bool(await self._take(keys=[self._key],
                                     args=[self._section, self._cap, FAILURES_TTL_S]))
