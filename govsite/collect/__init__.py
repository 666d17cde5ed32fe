"""collect: the only part of govsite that touches the network.

It fetches each site politely (per-host slots, robots.txt, an identifying User-Agent), follows
redirects by hand, decodes Chinese encodings, parses pages, crawls within the site and checks
every link target, and writes it all into a `SiteSnapshot`. It records what it saw, including
its failures (`errors`), and never judges: that is the rules' job.

    async with Collector(CollectSettings(resolve=("www.example.gov.cn=127.0.0.1:8080",))) as c:
        snapshot = await c.collect(site)
"""

from govsite.collect.collector import Collector
from govsite.collect.resolve import parse_resolve
from govsite.collect.settings import CollectSettings

__all__ = ["Collector", "CollectSettings", "parse_resolve"]
