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

from govsite.clock import CST
from govsite.collect.charset import decode_html
from govsite.collect.parse import parse_html
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
    page.headers = {k.lower(): v for k, v in spec.get("headers", {}).items()}
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
                        search=_search(spec.get("search")),
                        security=_security(spec.get("security"), site.host),
                        browser=_browser(spec.get("browser"), home_url))
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


# A well-configured https site: every security page states only what it breaks.
CLEAN_CERT = {"subject": "CN=www.bjhd.gov.cn", "subject_cn": "www.bjhd.gov.cn",
              "san": ["www.bjhd.gov.cn"], "issuer": "CN=Test CA,O=Test", "self_issued": False,
              "not_before": "2026-06-01T00:00:00+00:00", "not_after": "2027-06-01T00:00:00+00:00"}
CLEAN_HEADERS = {"strict-transport-security": "max-age=31536000", "content-security-policy":
                 "default-src 'self'; frame-ancestors 'self'", "x-content-type-options": "nosniff",
                 "x-frame-options": "SAMEORIGIN", "referrer-policy": "strict-origin-when-cross-origin"}


def _security(spec: dict[str, Any] | None, host: str) -> dict[str, Any] | None:
    """A security probe record as collect writes it: `spec` over a clean https default.

    `tls` (and its `cert`) and `https_home` are merged over their defaults; `"https_home":
    null` means no https answer. `paths` rows get `kind`, `url`, `expected`, `markers` and
    `soft404` defaults.
    """
    if spec is None:
        return None
    tls_spec = spec.get("tls", {})
    tls = {"tried": f"https://{host}:443/", "address": "127.0.0.1:443", "handshake": True,
           "verified": True, "verify_error": None, "error": None, **tls_spec,
           "cert": None if tls_spec.get("cert", {}) is None else
           {**CLEAN_CERT, **tls_spec.get("cert", {})}}
    https_home = None
    if spec.get("https_home", {}) is not None:
        https_home = {"url": f"https://{host}/", "final_url": f"https://{host}/", "status": 200,
                      "error": None, "tls_error": None, **spec.get("https_home", {})}
        headers = https_home.get("headers", CLEAN_HEADERS)
        https_home["headers"] = {k.lower(): v for k, v in headers.items()}
    paths = [{"kind": "file", "url": f"http://{host}{row['path']}", "expected": [],
              "error": None, "content_type": "", "head": "", "markers": [], "soft404": False,
              **row} for row in spec.get("paths", [])]
    return {"host": host, "origin": f"http://{host}", "tls": tls, "https_home": https_home,
            "http_redirects_to_https": spec.get("http_redirects_to_https"), "paths": paths}


def _browser(spec: dict[str, Any] | None, home_url: str) -> dict[str, Any]:
    """A `--browser` record: `spec` over a clean pass (no violations, no 375 px overflow).

    Every case gets one, so the browser rules are measured (and silent) on pages written for
    other rules; `"browser": {"error": "chromium_missing"}` gives the not-measured record.
    """
    spec = spec or {}
    mobile = {"url": home_url, "width": 375, "scroll_width": 375, "overflow": False,
              **spec.get("mobile", {})}
    pages = [{"url": p["url"], "error": None,
              "violations": [{"impact": "serious", "help": "", "tags": [], "wcag": [],
                              "node_count": len(v["nodes"]), **v} for v in p["violations"]]}
             for p in spec.get("pages", [])]
    return {"error": spec.get("error"), "detail": "", "tags": [], "pages": pages,
            "screenshot": None, "mobile": mobile}
