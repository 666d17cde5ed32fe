"""Build snapshots from the hand-made rule pages, with no network (Lighthouse-style).

Each page opens with `<!-- govsite-test: {json} -->` saying where the page sits, what its
link targets answered, and which findings it must produce. Decoding and parsing use the
census's own code (`collect.charset`, `collect.parse`), so a GBK trap page is read exactly as
a crawl would read it.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from govsite.collect.charset import decode_html
from govsite.collect.parse import parse_html
from govsite.rules.availability import CST
from govsite.sites import Site
from govsite.snapshot import LinkCheck, Page, SiteSnapshot

PAGES = Path(__file__).parent / "pages"
AS_OF = date(2026, 11, 23)
HOME = "http://www.bjhd.gov.cn/"
SITE = Site(name="北京市海淀区人民政府", site_code="1101050001", url=HOME, kind="portal",
            category="区政府")
SPEC = re.compile(r"<!--\s*govsite-test:(.*?)-->", re.DOTALL)


def page_from_html(html: str, url: str) -> Page:
    parsed = parse_html(html, url)
    return Page(url=url, final_url=url, status=200, fetched_at="2026-11-23T10:00:00+08:00",
                content_type="text/html", html=html, title=parsed.title, meta=parsed.meta,
                links=parsed.links)


def load_case(path: Path) -> tuple[SiteSnapshot, dict[str, Site], list[dict[str, Any]]]:
    """The snapshot a rule sees for this page, the registry, and the expected findings."""
    html = decode_html(path.read_bytes()).text
    match = SPEC.search(html)
    assert match, f"{path.name} lacks its govsite-test comment"
    spec = json.loads(match.group(1))
    site = replace(SITE, **spec.get("site", {}))
    home_url = site.url
    page = page_from_html(html, spec.get("url", home_url))
    if page.url == home_url:
        home = page
        pages = [page]
    elif "home_html" in spec:
        home = page_from_html(spec["home_html"], home_url)
        pages = [home, page]
    else:
        links = "".join(f'<a href="{u}">x</a>' for u in spec.get("home_links", []))
        # The stand-in home page is clean, so findings come from the page under test only.
        head = "".join(f'<meta name="{k}" content="{v}">' for k, v in (
            ("SiteName", site.name), ("SiteDomain", site.host), ("SiteIDCode", site.site_code)))
        home = page_from_html(f"<html><head>{head}</head><body>{links}</body></html>", home_url)
        pages = [home, page]
    pages += [page_from_html(html, url) for url, html in spec.get("extra", {}).items()]
    checks = {}
    for target_page in pages:
        for link in target_page.links:
            checks[link.url] = LinkCheck(url=link.url, ok=True, status=200)
    for url, fields in spec.get("checks", {}).items():
        checks[url] = LinkCheck(url=url, **fields)
    snap = SiteSnapshot(site=site, fetched_at="2026-11-23T10:00:00+08:00", home=home,
                        pages=pages, checks=checks, probes=_probes(spec.get("probes")),
                        search=_search(spec.get("search")))
    registry = {site.site_code: site}
    for row in spec.get("registry", []):
        other = replace(SITE, **row)
        registry[other.site_code] = other
    return snap, registry, spec["expect"]


def _probes(spec: dict[str, int] | None) -> list[dict[str, Any]] | None:
    """Evenly spaced probes over the window ending on AS_OF, the first `failures` failing."""
    if spec is None:
        return None
    per_day, days = spec["per_day"], spec["days"]
    start = datetime.combine(AS_OF - timedelta(days=days - 1), time.min, CST)
    step = timedelta(days=1) / per_day
    probes = []
    for n in range(per_day * days):
        ok = n >= spec["failures"]
        probes.append({"time": (start + n * step).isoformat(), "ok": ok,
                       "elapsed_ms": 120.0 if ok else 15000.0, "status": 200 if ok else None,
                       "error": "" if ok else "timeout"})
    for n in range(spec.get("outside_window_failures", 0)):
        probes.append({"time": (start - timedelta(hours=n + 1)).isoformat(), "ok": False,
                       "elapsed_ms": 15000.0, "status": None, "error": "timeout"})
    return probes


def _search(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """A search probe as collect records it, with the results page built from `page_html`."""
    if spec is None:
        return None
    probe = {"found": spec["found"], "looked_in": "首页表单及链接", "how": spec.get("how", "form"),
             "action": spec.get("action"), "method": "GET", "param": "q",
             "query": spec.get("query"), "query_source": None, "page": None}
    if "page_html" in spec or "error" in spec:
        url = spec.get("action", HOME + "search")
        page = page_from_html(spec.get("page_html", ""), url)
        page.status = spec.get("status", 200)
        page.error = spec.get("error")
        probe["page"] = page.to_json()
    return probe
